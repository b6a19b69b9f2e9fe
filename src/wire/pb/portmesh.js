/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const portmesh = $root.portmesh = (() => {

    /**
     * Namespace portmesh.
     * @exports portmesh
     * @namespace
     */
    const portmesh = {};

    portmesh.LinkAd = (function() {

        /**
         * Properties of a LinkAd.
         * @typedef {Object} portmesh.LinkAd.$Properties
         * @property {string|null} [peer] LinkAd peer
         * @property {number|null} [cost] LinkAd cost
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a LinkAd.
         * @memberof portmesh
         * @interface ILinkAd
         * @augments portmesh.LinkAd.$Properties
         * @deprecated Use portmesh.LinkAd.$Properties instead.
         */

        /**
         * Shape of a LinkAd.
         * @typedef {portmesh.LinkAd.$Properties} portmesh.LinkAd.$Shape
         */

        /**
         * Constructs a new LinkAd.
         * @memberof portmesh
         * @classdesc Represents a LinkAd.
         * @constructor
         * @param {portmesh.LinkAd.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const LinkAd = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * LinkAd peer.
         * @member {string} peer
         * @memberof portmesh.LinkAd
         * @instance
         */
        LinkAd.prototype.peer = "";

        /**
         * LinkAd cost.
         * @member {number} cost
         * @memberof portmesh.LinkAd
         * @instance
         */
        LinkAd.prototype.cost = 0;

        /**
         * Creates a new LinkAd instance using the specified properties.
         * @function create
         * @memberof portmesh.LinkAd
         * @static
         * @param {portmesh.LinkAd.$Properties=} [properties] Properties to set
         * @returns {portmesh.LinkAd} LinkAd instance
         * @type {{
         *   (properties: portmesh.LinkAd.$Shape): portmesh.LinkAd & portmesh.LinkAd.$Shape;
         *   (properties?: portmesh.LinkAd.$Properties): portmesh.LinkAd;
         * }}
         */
        LinkAd.create = function(properties) {
            return new LinkAd(properties);
        };

        /**
         * Encodes the specified LinkAd message. Does not implicitly {@link portmesh.LinkAd.verify|verify} messages.
         * @function encode
         * @memberof portmesh.LinkAd
         * @static
         * @param {portmesh.LinkAd.$Properties} m LinkAd message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        LinkAd.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.peer != null && $Object.hasOwnProperty.call(m, "peer") && m.peer !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.peer);
            if (m.cost != null && $Object.hasOwnProperty.call(m, "cost") && m.cost !== 0)
                w.uint32(/* id 2, wireType 0 =*/16).uint32(m.cost);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a LinkAd message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.LinkAd
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.LinkAd & portmesh.LinkAd.$Shape} LinkAd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        LinkAd.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.LinkAd();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.peer = v;
                        else
                            delete m.peer;
                        continue;
                    }
                case 2: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.cost = v;
                        else
                            delete m.cost;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for LinkAd
         * @function getTypeUrl
         * @memberof portmesh.LinkAd
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        LinkAd.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.LinkAd";
        };

        return LinkAd;
    })();

    portmesh.ServiceAd = (function() {

        /**
         * Properties of a ServiceAd.
         * @typedef {Object} portmesh.ServiceAd.$Properties
         * @property {string|null} [routingKey] ServiceAd routingKey
         * @property {number|null} [connectors] ServiceAd connectors
         * @property {number|null} [cost] ServiceAd cost
         * @property {boolean|null} [e2e] ServiceAd e2e
         * @property {number|null} [weight] ServiceAd weight
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ServiceAd.
         * @memberof portmesh
         * @interface IServiceAd
         * @augments portmesh.ServiceAd.$Properties
         * @deprecated Use portmesh.ServiceAd.$Properties instead.
         */

        /**
         * Shape of a ServiceAd.
         * @typedef {portmesh.ServiceAd.$Properties} portmesh.ServiceAd.$Shape
         */

        /**
         * Constructs a new ServiceAd.
         * @memberof portmesh
         * @classdesc Represents a ServiceAd.
         * @constructor
         * @param {portmesh.ServiceAd.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ServiceAd = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * ServiceAd routingKey.
         * @member {string} routingKey
         * @memberof portmesh.ServiceAd
         * @instance
         */
        ServiceAd.prototype.routingKey = "";

        /**
         * ServiceAd connectors.
         * @member {number} connectors
         * @memberof portmesh.ServiceAd
         * @instance
         */
        ServiceAd.prototype.connectors = 0;

        /**
         * ServiceAd cost.
         * @member {number} cost
         * @memberof portmesh.ServiceAd
         * @instance
         */
        ServiceAd.prototype.cost = 0;

        /**
         * ServiceAd e2e.
         * @member {boolean} e2e
         * @memberof portmesh.ServiceAd
         * @instance
         */
        ServiceAd.prototype.e2e = false;

        /**
         * ServiceAd weight.
         * @member {number} weight
         * @memberof portmesh.ServiceAd
         * @instance
         */
        ServiceAd.prototype.weight = 0;

        /**
         * Creates a new ServiceAd instance using the specified properties.
         * @function create
         * @memberof portmesh.ServiceAd
         * @static
         * @param {portmesh.ServiceAd.$Properties=} [properties] Properties to set
         * @returns {portmesh.ServiceAd} ServiceAd instance
         * @type {{
         *   (properties: portmesh.ServiceAd.$Shape): portmesh.ServiceAd & portmesh.ServiceAd.$Shape;
         *   (properties?: portmesh.ServiceAd.$Properties): portmesh.ServiceAd;
         * }}
         */
        ServiceAd.create = function(properties) {
            return new ServiceAd(properties);
        };

        /**
         * Encodes the specified ServiceAd message. Does not implicitly {@link portmesh.ServiceAd.verify|verify} messages.
         * @function encode
         * @memberof portmesh.ServiceAd
         * @static
         * @param {portmesh.ServiceAd.$Properties} m ServiceAd message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ServiceAd.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.routingKey != null && $Object.hasOwnProperty.call(m, "routingKey") && m.routingKey !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.routingKey);
            if (m.connectors != null && $Object.hasOwnProperty.call(m, "connectors") && m.connectors !== 0)
                w.uint32(/* id 2, wireType 0 =*/16).uint32(m.connectors);
            if (m.cost != null && $Object.hasOwnProperty.call(m, "cost") && m.cost !== 0)
                w.uint32(/* id 3, wireType 0 =*/24).uint32(m.cost);
            if (m.e2e != null && $Object.hasOwnProperty.call(m, "e2e") && m.e2e !== false)
                w.uint32(/* id 4, wireType 0 =*/32).bool(m.e2e);
            if (m.weight != null && $Object.hasOwnProperty.call(m, "weight") && m.weight !== 0)
                w.uint32(/* id 5, wireType 0 =*/40).uint32(m.weight);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a ServiceAd message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.ServiceAd
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.ServiceAd & portmesh.ServiceAd.$Shape} ServiceAd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ServiceAd.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.ServiceAd();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.routingKey = v;
                        else
                            delete m.routingKey;
                        continue;
                    }
                case 2: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.connectors = v;
                        else
                            delete m.connectors;
                        continue;
                    }
                case 3: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.cost = v;
                        else
                            delete m.cost;
                        continue;
                    }
                case 4: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.e2e = v;
                        else
                            delete m.e2e;
                        continue;
                    }
                case 5: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.weight = v;
                        else
                            delete m.weight;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for ServiceAd
         * @function getTypeUrl
         * @memberof portmesh.ServiceAd
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ServiceAd.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.ServiceAd";
        };

        return ServiceAd;
    })();

    portmesh.Advertisement = (function() {

        /**
         * Properties of an Advertisement.
         * @typedef {Object} portmesh.Advertisement.$Properties
         * @property {string|null} [origin] Advertisement origin
         * @property {number|null} [epoch] Advertisement epoch
         * @property {number|null} [seq] Advertisement seq
         * @property {string|null} [site] Advertisement site
         * @property {Array.<portmesh.LinkAd.$Properties>|null} [links] Advertisement links
         * @property {Array.<portmesh.ServiceAd.$Properties>|null} [services] Advertisement services
         * @property {number|null} [features] Advertisement features
         * @property {Array.<portmesh.DataProcess.$Properties>|null} [dataProcesses] Advertisement dataProcesses
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Advertisement.
         * @memberof portmesh
         * @interface IAdvertisement
         * @augments portmesh.Advertisement.$Properties
         * @deprecated Use portmesh.Advertisement.$Properties instead.
         */

        /**
         * Shape of an Advertisement.
         * @typedef {portmesh.Advertisement.$Properties} portmesh.Advertisement.$Shape
         */

        /**
         * Constructs a new Advertisement.
         * @memberof portmesh
         * @classdesc Represents an Advertisement.
         * @constructor
         * @param {portmesh.Advertisement.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Advertisement = function (p) {
            this.links = [];
            this.services = [];
            this.dataProcesses = [];
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * Advertisement origin.
         * @member {string} origin
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.origin = "";

        /**
         * Advertisement epoch.
         * @member {number} epoch
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Advertisement seq.
         * @member {number} seq
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Advertisement site.
         * @member {string} site
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.site = "";

        /**
         * Advertisement links.
         * @member {Array.<portmesh.LinkAd.$Properties>} links
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.links = $util.emptyArray;

        /**
         * Advertisement services.
         * @member {Array.<portmesh.ServiceAd.$Properties>} services
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.services = $util.emptyArray;

        /**
         * Advertisement features.
         * @member {number} features
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.features = 0;

        /**
         * Advertisement dataProcesses.
         * @member {Array.<portmesh.DataProcess.$Properties>} dataProcesses
         * @memberof portmesh.Advertisement
         * @instance
         */
        Advertisement.prototype.dataProcesses = $util.emptyArray;

        /**
         * Creates a new Advertisement instance using the specified properties.
         * @function create
         * @memberof portmesh.Advertisement
         * @static
         * @param {portmesh.Advertisement.$Properties=} [properties] Properties to set
         * @returns {portmesh.Advertisement} Advertisement instance
         * @type {{
         *   (properties: portmesh.Advertisement.$Shape): portmesh.Advertisement & portmesh.Advertisement.$Shape;
         *   (properties?: portmesh.Advertisement.$Properties): portmesh.Advertisement;
         * }}
         */
        Advertisement.create = function(properties) {
            return new Advertisement(properties);
        };

        /**
         * Encodes the specified Advertisement message. Does not implicitly {@link portmesh.Advertisement.verify|verify} messages.
         * @function encode
         * @memberof portmesh.Advertisement
         * @static
         * @param {portmesh.Advertisement.$Properties} m Advertisement message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Advertisement.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.origin != null && $Object.hasOwnProperty.call(m, "origin") && m.origin !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.origin);
            if (m.epoch != null && $Object.hasOwnProperty.call(m, "epoch") && (typeof m.epoch === "object" ? m.epoch.low || m.epoch.high : m.epoch !== 0))
                w.uint32(/* id 2, wireType 0 =*/16).uint64(m.epoch);
            if (m.seq != null && $Object.hasOwnProperty.call(m, "seq") && (typeof m.seq === "object" ? m.seq.low || m.seq.high : m.seq !== 0))
                w.uint32(/* id 3, wireType 0 =*/24).uint64(m.seq);
            if (m.site != null && $Object.hasOwnProperty.call(m, "site") && m.site !== "")
                w.uint32(/* id 4, wireType 2 =*/34).string(m.site);
            if (m.links != null && m.links.length) {
                for (var i = 0; i < m.links.length; ++i)
                    $root.portmesh.LinkAd.encode(m.links[i], w.uint32(/* id 5, wireType 2 =*/42).fork(), q + 1).ldelim();
            }
            if (m.services != null && m.services.length) {
                for (var i = 0; i < m.services.length; ++i)
                    $root.portmesh.ServiceAd.encode(m.services[i], w.uint32(/* id 6, wireType 2 =*/50).fork(), q + 1).ldelim();
            }
            if (m.features != null && $Object.hasOwnProperty.call(m, "features") && m.features !== 0)
                w.uint32(/* id 7, wireType 0 =*/56).uint32(m.features);
            if (m.dataProcesses != null && m.dataProcesses.length) {
                for (var i = 0; i < m.dataProcesses.length; ++i)
                    $root.portmesh.DataProcess.encode(m.dataProcesses[i], w.uint32(/* id 8, wireType 2 =*/66).fork(), q + 1).ldelim();
            }
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes an Advertisement message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.Advertisement
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.Advertisement & portmesh.Advertisement.$Shape} Advertisement
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Advertisement.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.Advertisement();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.origin = v;
                        else
                            delete m.origin;
                        continue;
                    }
                case 2: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.epoch = v;
                        else
                            delete m.epoch;
                        continue;
                    }
                case 3: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.seq = v;
                        else
                            delete m.seq;
                        continue;
                    }
                case 4: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.site = v;
                        else
                            delete m.site;
                        continue;
                    }
                case 5: {
                        if (u !== 2)
                            break;
                        if (!(m.links && m.links.length))
                            m.links = [];
                        m.links.push($root.portmesh.LinkAd.decode(r, r.size(), $undefined, q + 1));
                        continue;
                    }
                case 6: {
                        if (u !== 2)
                            break;
                        if (!(m.services && m.services.length))
                            m.services = [];
                        m.services.push($root.portmesh.ServiceAd.decode(r, r.size(), $undefined, q + 1));
                        continue;
                    }
                case 7: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.features = v;
                        else
                            delete m.features;
                        continue;
                    }
                case 8: {
                        if (u !== 2)
                            break;
                        if (!(m.dataProcesses && m.dataProcesses.length))
                            m.dataProcesses = [];
                        m.dataProcesses.push($root.portmesh.DataProcess.decode(r, r.size(), $undefined, q + 1));
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for Advertisement
         * @function getTypeUrl
         * @memberof portmesh.Advertisement
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Advertisement.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.Advertisement";
        };

        return Advertisement;
    })();

    portmesh.DataProcess = (function() {

        /**
         * Properties of a DataProcess.
         * @typedef {Object} portmesh.DataProcess.$Properties
         * @property {Array.<string>|null} [addrs] DataProcess addrs
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DataProcess.
         * @memberof portmesh
         * @interface IDataProcess
         * @augments portmesh.DataProcess.$Properties
         * @deprecated Use portmesh.DataProcess.$Properties instead.
         */

        /**
         * Shape of a DataProcess.
         * @typedef {portmesh.DataProcess.$Properties} portmesh.DataProcess.$Shape
         */

        /**
         * Constructs a new DataProcess.
         * @memberof portmesh
         * @classdesc Represents a DataProcess.
         * @constructor
         * @param {portmesh.DataProcess.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const DataProcess = function (p) {
            this.addrs = [];
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * DataProcess addrs.
         * @member {Array.<string>} addrs
         * @memberof portmesh.DataProcess
         * @instance
         */
        DataProcess.prototype.addrs = $util.emptyArray;

        /**
         * Creates a new DataProcess instance using the specified properties.
         * @function create
         * @memberof portmesh.DataProcess
         * @static
         * @param {portmesh.DataProcess.$Properties=} [properties] Properties to set
         * @returns {portmesh.DataProcess} DataProcess instance
         * @type {{
         *   (properties: portmesh.DataProcess.$Shape): portmesh.DataProcess & portmesh.DataProcess.$Shape;
         *   (properties?: portmesh.DataProcess.$Properties): portmesh.DataProcess;
         * }}
         */
        DataProcess.create = function(properties) {
            return new DataProcess(properties);
        };

        /**
         * Encodes the specified DataProcess message. Does not implicitly {@link portmesh.DataProcess.verify|verify} messages.
         * @function encode
         * @memberof portmesh.DataProcess
         * @static
         * @param {portmesh.DataProcess.$Properties} m DataProcess message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DataProcess.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.addrs != null && m.addrs.length) {
                for (var i = 0; i < m.addrs.length; ++i)
                    w.uint32(/* id 1, wireType 2 =*/10).string(m.addrs[i]);
            }
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a DataProcess message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.DataProcess
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.DataProcess & portmesh.DataProcess.$Shape} DataProcess
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DataProcess.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.DataProcess();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if (!(m.addrs && m.addrs.length))
                            m.addrs = [];
                        m.addrs.push(r.stringVerify());
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for DataProcess
         * @function getTypeUrl
         * @memberof portmesh.DataProcess
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DataProcess.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.DataProcess";
        };

        return DataProcess;
    })();

    portmesh.SignedAdvertisement = (function() {

        /**
         * Properties of a SignedAdvertisement.
         * @typedef {Object} portmesh.SignedAdvertisement.$Properties
         * @property {Uint8Array|null} [body] SignedAdvertisement body
         * @property {Uint8Array|null} [signature] SignedAdvertisement signature
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a SignedAdvertisement.
         * @memberof portmesh
         * @interface ISignedAdvertisement
         * @augments portmesh.SignedAdvertisement.$Properties
         * @deprecated Use portmesh.SignedAdvertisement.$Properties instead.
         */

        /**
         * Shape of a SignedAdvertisement.
         * @typedef {portmesh.SignedAdvertisement.$Properties} portmesh.SignedAdvertisement.$Shape
         */

        /**
         * Constructs a new SignedAdvertisement.
         * @memberof portmesh
         * @classdesc Represents a SignedAdvertisement.
         * @constructor
         * @param {portmesh.SignedAdvertisement.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const SignedAdvertisement = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * SignedAdvertisement body.
         * @member {Uint8Array} body
         * @memberof portmesh.SignedAdvertisement
         * @instance
         */
        SignedAdvertisement.prototype.body = $util.newBuffer([]);

        /**
         * SignedAdvertisement signature.
         * @member {Uint8Array} signature
         * @memberof portmesh.SignedAdvertisement
         * @instance
         */
        SignedAdvertisement.prototype.signature = $util.newBuffer([]);

        /**
         * Creates a new SignedAdvertisement instance using the specified properties.
         * @function create
         * @memberof portmesh.SignedAdvertisement
         * @static
         * @param {portmesh.SignedAdvertisement.$Properties=} [properties] Properties to set
         * @returns {portmesh.SignedAdvertisement} SignedAdvertisement instance
         * @type {{
         *   (properties: portmesh.SignedAdvertisement.$Shape): portmesh.SignedAdvertisement & portmesh.SignedAdvertisement.$Shape;
         *   (properties?: portmesh.SignedAdvertisement.$Properties): portmesh.SignedAdvertisement;
         * }}
         */
        SignedAdvertisement.create = function(properties) {
            return new SignedAdvertisement(properties);
        };

        /**
         * Encodes the specified SignedAdvertisement message. Does not implicitly {@link portmesh.SignedAdvertisement.verify|verify} messages.
         * @function encode
         * @memberof portmesh.SignedAdvertisement
         * @static
         * @param {portmesh.SignedAdvertisement.$Properties} m SignedAdvertisement message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SignedAdvertisement.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.body != null && $Object.hasOwnProperty.call(m, "body") && m.body.length)
                w.uint32(/* id 1, wireType 2 =*/10).bytes(m.body);
            if (m.signature != null && $Object.hasOwnProperty.call(m, "signature") && m.signature.length)
                w.uint32(/* id 2, wireType 2 =*/18).bytes(m.signature);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a SignedAdvertisement message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.SignedAdvertisement
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.SignedAdvertisement & portmesh.SignedAdvertisement.$Shape} SignedAdvertisement
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SignedAdvertisement.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.SignedAdvertisement();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.body = v;
                        else
                            delete m.body;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.signature = v;
                        else
                            delete m.signature;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for SignedAdvertisement
         * @function getTypeUrl
         * @memberof portmesh.SignedAdvertisement
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        SignedAdvertisement.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.SignedAdvertisement";
        };

        return SignedAdvertisement;
    })();

    portmesh.Hello = (function() {

        /**
         * Properties of a Hello.
         * @typedef {Object} portmesh.Hello.$Properties
         * @property {number|null} [version] Hello version
         * @property {string|null} [site] Hello site
         * @property {number|null} [epoch] Hello epoch
         * @property {number|null} [configuredCost] Hello configuredCost
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Hello.
         * @memberof portmesh
         * @interface IHello
         * @augments portmesh.Hello.$Properties
         * @deprecated Use portmesh.Hello.$Properties instead.
         */

        /**
         * Shape of a Hello.
         * @typedef {portmesh.Hello.$Properties} portmesh.Hello.$Shape
         */

        /**
         * Constructs a new Hello.
         * @memberof portmesh
         * @classdesc Represents a Hello.
         * @constructor
         * @param {portmesh.Hello.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Hello = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * Hello version.
         * @member {number} version
         * @memberof portmesh.Hello
         * @instance
         */
        Hello.prototype.version = 0;

        /**
         * Hello site.
         * @member {string} site
         * @memberof portmesh.Hello
         * @instance
         */
        Hello.prototype.site = "";

        /**
         * Hello epoch.
         * @member {number} epoch
         * @memberof portmesh.Hello
         * @instance
         */
        Hello.prototype.epoch = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Hello configuredCost.
         * @member {number} configuredCost
         * @memberof portmesh.Hello
         * @instance
         */
        Hello.prototype.configuredCost = 0;

        /**
         * Creates a new Hello instance using the specified properties.
         * @function create
         * @memberof portmesh.Hello
         * @static
         * @param {portmesh.Hello.$Properties=} [properties] Properties to set
         * @returns {portmesh.Hello} Hello instance
         * @type {{
         *   (properties: portmesh.Hello.$Shape): portmesh.Hello & portmesh.Hello.$Shape;
         *   (properties?: portmesh.Hello.$Properties): portmesh.Hello;
         * }}
         */
        Hello.create = function(properties) {
            return new Hello(properties);
        };

        /**
         * Encodes the specified Hello message. Does not implicitly {@link portmesh.Hello.verify|verify} messages.
         * @function encode
         * @memberof portmesh.Hello
         * @static
         * @param {portmesh.Hello.$Properties} m Hello message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Hello.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.version != null && $Object.hasOwnProperty.call(m, "version") && m.version !== 0)
                w.uint32(/* id 1, wireType 0 =*/8).uint32(m.version);
            if (m.site != null && $Object.hasOwnProperty.call(m, "site") && m.site !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.site);
            if (m.epoch != null && $Object.hasOwnProperty.call(m, "epoch") && (typeof m.epoch === "object" ? m.epoch.low || m.epoch.high : m.epoch !== 0))
                w.uint32(/* id 3, wireType 0 =*/24).uint64(m.epoch);
            if (m.configuredCost != null && $Object.hasOwnProperty.call(m, "configuredCost") && m.configuredCost !== 0)
                w.uint32(/* id 4, wireType 0 =*/32).uint32(m.configuredCost);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a Hello message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.Hello
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.Hello & portmesh.Hello.$Shape} Hello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Hello.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.Hello();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.version = v;
                        else
                            delete m.version;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.site = v;
                        else
                            delete m.site;
                        continue;
                    }
                case 3: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.epoch = v;
                        else
                            delete m.epoch;
                        continue;
                    }
                case 4: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.configuredCost = v;
                        else
                            delete m.configuredCost;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for Hello
         * @function getTypeUrl
         * @memberof portmesh.Hello
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Hello.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.Hello";
        };

        return Hello;
    })();

    portmesh.Ping = (function() {

        /**
         * Properties of a Ping.
         * @typedef {Object} portmesh.Ping.$Properties
         * @property {number|null} [nonce] Ping nonce
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Ping.
         * @memberof portmesh
         * @interface IPing
         * @augments portmesh.Ping.$Properties
         * @deprecated Use portmesh.Ping.$Properties instead.
         */

        /**
         * Shape of a Ping.
         * @typedef {portmesh.Ping.$Properties} portmesh.Ping.$Shape
         */

        /**
         * Constructs a new Ping.
         * @memberof portmesh
         * @classdesc Represents a Ping.
         * @constructor
         * @param {portmesh.Ping.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Ping = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * Ping nonce.
         * @member {number} nonce
         * @memberof portmesh.Ping
         * @instance
         */
        Ping.prototype.nonce = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new Ping instance using the specified properties.
         * @function create
         * @memberof portmesh.Ping
         * @static
         * @param {portmesh.Ping.$Properties=} [properties] Properties to set
         * @returns {portmesh.Ping} Ping instance
         * @type {{
         *   (properties: portmesh.Ping.$Shape): portmesh.Ping & portmesh.Ping.$Shape;
         *   (properties?: portmesh.Ping.$Properties): portmesh.Ping;
         * }}
         */
        Ping.create = function(properties) {
            return new Ping(properties);
        };

        /**
         * Encodes the specified Ping message. Does not implicitly {@link portmesh.Ping.verify|verify} messages.
         * @function encode
         * @memberof portmesh.Ping
         * @static
         * @param {portmesh.Ping.$Properties} m Ping message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Ping.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.nonce != null && $Object.hasOwnProperty.call(m, "nonce") && (typeof m.nonce === "object" ? m.nonce.low || m.nonce.high : m.nonce !== 0))
                w.uint32(/* id 1, wireType 0 =*/8).uint64(m.nonce);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a Ping message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.Ping
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.Ping & portmesh.Ping.$Shape} Ping
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Ping.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.Ping();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.nonce = v;
                        else
                            delete m.nonce;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for Ping
         * @function getTypeUrl
         * @memberof portmesh.Ping
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Ping.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.Ping";
        };

        return Ping;
    })();

    portmesh.Pong = (function() {

        /**
         * Properties of a Pong.
         * @typedef {Object} portmesh.Pong.$Properties
         * @property {number|null} [nonce] Pong nonce
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Pong.
         * @memberof portmesh
         * @interface IPong
         * @augments portmesh.Pong.$Properties
         * @deprecated Use portmesh.Pong.$Properties instead.
         */

        /**
         * Shape of a Pong.
         * @typedef {portmesh.Pong.$Properties} portmesh.Pong.$Shape
         */

        /**
         * Constructs a new Pong.
         * @memberof portmesh
         * @classdesc Represents a Pong.
         * @constructor
         * @param {portmesh.Pong.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Pong = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * Pong nonce.
         * @member {number} nonce
         * @memberof portmesh.Pong
         * @instance
         */
        Pong.prototype.nonce = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new Pong instance using the specified properties.
         * @function create
         * @memberof portmesh.Pong
         * @static
         * @param {portmesh.Pong.$Properties=} [properties] Properties to set
         * @returns {portmesh.Pong} Pong instance
         * @type {{
         *   (properties: portmesh.Pong.$Shape): portmesh.Pong & portmesh.Pong.$Shape;
         *   (properties?: portmesh.Pong.$Properties): portmesh.Pong;
         * }}
         */
        Pong.create = function(properties) {
            return new Pong(properties);
        };

        /**
         * Encodes the specified Pong message. Does not implicitly {@link portmesh.Pong.verify|verify} messages.
         * @function encode
         * @memberof portmesh.Pong
         * @static
         * @param {portmesh.Pong.$Properties} m Pong message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Pong.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.nonce != null && $Object.hasOwnProperty.call(m, "nonce") && (typeof m.nonce === "object" ? m.nonce.low || m.nonce.high : m.nonce !== 0))
                w.uint32(/* id 1, wireType 0 =*/8).uint64(m.nonce);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.Pong
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.Pong & portmesh.Pong.$Shape} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Pong.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.Pong();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.nonce = v;
                        else
                            delete m.nonce;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for Pong
         * @function getTypeUrl
         * @memberof portmesh.Pong
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Pong.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.Pong";
        };

        return Pong;
    })();

    portmesh.Control = (function() {

        /**
         * Properties of a Control.
         * @typedef {Object} portmesh.Control.$Properties
         * @property {portmesh.Hello.$Properties|null} [hello] Control hello
         * @property {Uint8Array|null} [advertisement] Control advertisement
         * @property {portmesh.Ping.$Properties|null} [ping] Control ping
         * @property {portmesh.Pong.$Properties|null} [pong] Control pong
         * @property {"hello"|"advertisement"|"ping"|"pong"} [kind] Control kind
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Control.
         * @memberof portmesh
         * @interface IControl
         * @augments portmesh.Control.$Properties
         * @deprecated Use portmesh.Control.$Properties instead.
         */

        /**
         * Narrowed shape of a Control.
         * @typedef {{
         *   hello?: portmesh.Hello.$Shape|null;
         *   advertisement?: Uint8Array|null;
         *   ping?: portmesh.Ping.$Shape|null;
         *   pong?: portmesh.Pong.$Shape|null;
         *   $unknowns?: Array.<Uint8Array>;
         * } & (
         *   ({ kind?: undefined; hello?: null; advertisement?: null; ping?: null; pong?: null }|{ kind?: "hello"; hello: portmesh.Hello.$Shape; advertisement?: null; ping?: null; pong?: null }|{ kind?: "advertisement"; hello?: null; advertisement: Uint8Array; ping?: null; pong?: null }|{ kind?: "ping"; hello?: null; advertisement?: null; ping: portmesh.Ping.$Shape; pong?: null }|{ kind?: "pong"; hello?: null; advertisement?: null; ping?: null; pong: portmesh.Pong.$Shape })
         * )} portmesh.Control.$Shape
         */

        /**
         * Constructs a new Control.
         * @memberof portmesh
         * @classdesc Represents a Control.
         * @constructor
         * @param {portmesh.Control.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Control = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * Control hello.
         * @member {portmesh.Hello.$Properties|null|undefined} hello
         * @memberof portmesh.Control
         * @instance
         */
        Control.prototype.hello = null;

        /**
         * Control advertisement.
         * @member {Uint8Array|null|undefined} advertisement
         * @memberof portmesh.Control
         * @instance
         */
        Control.prototype.advertisement = null;

        /**
         * Control ping.
         * @member {portmesh.Ping.$Properties|null|undefined} ping
         * @memberof portmesh.Control
         * @instance
         */
        Control.prototype.ping = null;

        /**
         * Control pong.
         * @member {portmesh.Pong.$Properties|null|undefined} pong
         * @memberof portmesh.Control
         * @instance
         */
        Control.prototype.pong = null;

        // OneOf field names bound to virtual getters and setters
        let $oneOfFields;

        /**
         * Control kind.
         * @member {"hello"|"advertisement"|"ping"|"pong"|undefined} kind
         * @memberof portmesh.Control
         * @instance
         */
        $Object.defineProperty(Control.prototype, "kind", {
            get: $util.oneOfGetter($oneOfFields = ["hello", "advertisement", "ping", "pong"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        /**
         * Creates a new Control instance using the specified properties.
         * @function create
         * @memberof portmesh.Control
         * @static
         * @param {portmesh.Control.$Properties=} [properties] Properties to set
         * @returns {portmesh.Control} Control instance
         * @type {{
         *   (properties: portmesh.Control.$Shape): portmesh.Control & portmesh.Control.$Shape;
         *   (properties?: portmesh.Control.$Properties): portmesh.Control;
         * }}
         */
        Control.create = function(properties) {
            return new Control(properties);
        };

        /**
         * Encodes the specified Control message. Does not implicitly {@link portmesh.Control.verify|verify} messages.
         * @function encode
         * @memberof portmesh.Control
         * @static
         * @param {portmesh.Control.$Properties} m Control message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Control.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.hello != null && $Object.hasOwnProperty.call(m, "hello"))
                $root.portmesh.Hello.encode(m.hello, w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
            if (m.advertisement != null && $Object.hasOwnProperty.call(m, "advertisement"))
                w.uint32(/* id 2, wireType 2 =*/18).bytes(m.advertisement);
            if (m.ping != null && $Object.hasOwnProperty.call(m, "ping"))
                $root.portmesh.Ping.encode(m.ping, w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
            if (m.pong != null && $Object.hasOwnProperty.call(m, "pong"))
                $root.portmesh.Pong.encode(m.pong, w.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a Control message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.Control
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.Control & portmesh.Control.$Shape} Control
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Control.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.Control();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        m.hello = $root.portmesh.Hello.decode(r, r.size(), $undefined, q + 1, m.hello);
                        m.kind = "hello";
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        m.advertisement = r.bytes();
                        m.kind = "advertisement";
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        m.ping = $root.portmesh.Ping.decode(r, r.size(), $undefined, q + 1, m.ping);
                        m.kind = "ping";
                        continue;
                    }
                case 4: {
                        if (u !== 2)
                            break;
                        m.pong = $root.portmesh.Pong.decode(r, r.size(), $undefined, q + 1, m.pong);
                        m.kind = "pong";
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for Control
         * @function getTypeUrl
         * @memberof portmesh.Control
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Control.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.Control";
        };

        return Control;
    })();

    portmesh.TunnelHeader = (function() {

        /**
         * Properties of a TunnelHeader.
         * @typedef {Object} portmesh.TunnelHeader.$Properties
         * @property {string|null} [routingKey] TunnelHeader routingKey
         * @property {string|null} [destination] TunnelHeader destination
         * @property {number|null} [hopLimit] TunnelHeader hopLimit
         * @property {number|null} [connectionId] TunnelHeader connectionId
         * @property {string|null} [ingress] TunnelHeader ingress
         * @property {number|null} [issuedAt] TunnelHeader issuedAt
         * @property {Uint8Array|null} [nonce] TunnelHeader nonce
         * @property {Uint8Array|null} [originProof] TunnelHeader originProof
         * @property {Uint8Array|null} [e2eKey] TunnelHeader e2eKey
         * @property {boolean|null} [wantDestinationProof] TunnelHeader wantDestinationProof
         * @property {number|null} [query] TunnelHeader query
         * @property {boolean|null} [resumable] TunnelHeader resumable
         * @property {boolean|null} [resume] TunnelHeader resume
         * @property {number|null} [received] TunnelHeader received
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a TunnelHeader.
         * @memberof portmesh
         * @interface ITunnelHeader
         * @augments portmesh.TunnelHeader.$Properties
         * @deprecated Use portmesh.TunnelHeader.$Properties instead.
         */

        /**
         * Shape of a TunnelHeader.
         * @typedef {portmesh.TunnelHeader.$Properties} portmesh.TunnelHeader.$Shape
         */

        /**
         * Constructs a new TunnelHeader.
         * @memberof portmesh
         * @classdesc Represents a TunnelHeader.
         * @constructor
         * @param {portmesh.TunnelHeader.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const TunnelHeader = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * TunnelHeader routingKey.
         * @member {string} routingKey
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.routingKey = "";

        /**
         * TunnelHeader destination.
         * @member {string} destination
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.destination = "";

        /**
         * TunnelHeader hopLimit.
         * @member {number} hopLimit
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.hopLimit = 0;

        /**
         * TunnelHeader connectionId.
         * @member {number} connectionId
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.connectionId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * TunnelHeader ingress.
         * @member {string} ingress
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.ingress = "";

        /**
         * TunnelHeader issuedAt.
         * @member {number} issuedAt
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.issuedAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * TunnelHeader nonce.
         * @member {Uint8Array} nonce
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.nonce = $util.newBuffer([]);

        /**
         * TunnelHeader originProof.
         * @member {Uint8Array} originProof
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.originProof = $util.newBuffer([]);

        /**
         * TunnelHeader e2eKey.
         * @member {Uint8Array} e2eKey
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.e2eKey = $util.newBuffer([]);

        /**
         * TunnelHeader wantDestinationProof.
         * @member {boolean} wantDestinationProof
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.wantDestinationProof = false;

        /**
         * TunnelHeader query.
         * @member {number} query
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.query = 0;

        /**
         * TunnelHeader resumable.
         * @member {boolean} resumable
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.resumable = false;

        /**
         * TunnelHeader resume.
         * @member {boolean} resume
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.resume = false;

        /**
         * TunnelHeader received.
         * @member {number} received
         * @memberof portmesh.TunnelHeader
         * @instance
         */
        TunnelHeader.prototype.received = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new TunnelHeader instance using the specified properties.
         * @function create
         * @memberof portmesh.TunnelHeader
         * @static
         * @param {portmesh.TunnelHeader.$Properties=} [properties] Properties to set
         * @returns {portmesh.TunnelHeader} TunnelHeader instance
         * @type {{
         *   (properties: portmesh.TunnelHeader.$Shape): portmesh.TunnelHeader & portmesh.TunnelHeader.$Shape;
         *   (properties?: portmesh.TunnelHeader.$Properties): portmesh.TunnelHeader;
         * }}
         */
        TunnelHeader.create = function(properties) {
            return new TunnelHeader(properties);
        };

        /**
         * Encodes the specified TunnelHeader message. Does not implicitly {@link portmesh.TunnelHeader.verify|verify} messages.
         * @function encode
         * @memberof portmesh.TunnelHeader
         * @static
         * @param {portmesh.TunnelHeader.$Properties} m TunnelHeader message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        TunnelHeader.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.routingKey != null && $Object.hasOwnProperty.call(m, "routingKey") && m.routingKey !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.routingKey);
            if (m.destination != null && $Object.hasOwnProperty.call(m, "destination") && m.destination !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.destination);
            if (m.hopLimit != null && $Object.hasOwnProperty.call(m, "hopLimit") && m.hopLimit !== 0)
                w.uint32(/* id 3, wireType 0 =*/24).uint32(m.hopLimit);
            if (m.connectionId != null && $Object.hasOwnProperty.call(m, "connectionId") && (typeof m.connectionId === "object" ? m.connectionId.low || m.connectionId.high : m.connectionId !== 0))
                w.uint32(/* id 4, wireType 0 =*/32).uint64(m.connectionId);
            if (m.ingress != null && $Object.hasOwnProperty.call(m, "ingress") && m.ingress !== "")
                w.uint32(/* id 5, wireType 2 =*/42).string(m.ingress);
            if (m.issuedAt != null && $Object.hasOwnProperty.call(m, "issuedAt") && (typeof m.issuedAt === "object" ? m.issuedAt.low || m.issuedAt.high : m.issuedAt !== 0))
                w.uint32(/* id 6, wireType 0 =*/48).uint64(m.issuedAt);
            if (m.nonce != null && $Object.hasOwnProperty.call(m, "nonce") && m.nonce.length)
                w.uint32(/* id 7, wireType 2 =*/58).bytes(m.nonce);
            if (m.originProof != null && $Object.hasOwnProperty.call(m, "originProof") && m.originProof.length)
                w.uint32(/* id 8, wireType 2 =*/66).bytes(m.originProof);
            if (m.e2eKey != null && $Object.hasOwnProperty.call(m, "e2eKey") && m.e2eKey.length)
                w.uint32(/* id 9, wireType 2 =*/74).bytes(m.e2eKey);
            if (m.wantDestinationProof != null && $Object.hasOwnProperty.call(m, "wantDestinationProof") && m.wantDestinationProof !== false)
                w.uint32(/* id 10, wireType 0 =*/80).bool(m.wantDestinationProof);
            if (m.query != null && $Object.hasOwnProperty.call(m, "query") && m.query !== 0)
                w.uint32(/* id 11, wireType 0 =*/88).uint32(m.query);
            if (m.resumable != null && $Object.hasOwnProperty.call(m, "resumable") && m.resumable !== false)
                w.uint32(/* id 12, wireType 0 =*/96).bool(m.resumable);
            if (m.resume != null && $Object.hasOwnProperty.call(m, "resume") && m.resume !== false)
                w.uint32(/* id 13, wireType 0 =*/104).bool(m.resume);
            if (m.received != null && $Object.hasOwnProperty.call(m, "received") && (typeof m.received === "object" ? m.received.low || m.received.high : m.received !== 0))
                w.uint32(/* id 14, wireType 0 =*/112).uint64(m.received);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a TunnelHeader message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.TunnelHeader
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.TunnelHeader & portmesh.TunnelHeader.$Shape} TunnelHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        TunnelHeader.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.TunnelHeader();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.routingKey = v;
                        else
                            delete m.routingKey;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.destination = v;
                        else
                            delete m.destination;
                        continue;
                    }
                case 3: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.hopLimit = v;
                        else
                            delete m.hopLimit;
                        continue;
                    }
                case 4: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.connectionId = v;
                        else
                            delete m.connectionId;
                        continue;
                    }
                case 5: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.ingress = v;
                        else
                            delete m.ingress;
                        continue;
                    }
                case 6: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.issuedAt = v;
                        else
                            delete m.issuedAt;
                        continue;
                    }
                case 7: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.nonce = v;
                        else
                            delete m.nonce;
                        continue;
                    }
                case 8: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.originProof = v;
                        else
                            delete m.originProof;
                        continue;
                    }
                case 9: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.e2eKey = v;
                        else
                            delete m.e2eKey;
                        continue;
                    }
                case 10: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.wantDestinationProof = v;
                        else
                            delete m.wantDestinationProof;
                        continue;
                    }
                case 11: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.query = v;
                        else
                            delete m.query;
                        continue;
                    }
                case 12: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.resumable = v;
                        else
                            delete m.resumable;
                        continue;
                    }
                case 13: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.resume = v;
                        else
                            delete m.resume;
                        continue;
                    }
                case 14: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.received = v;
                        else
                            delete m.received;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for TunnelHeader
         * @function getTypeUrl
         * @memberof portmesh.TunnelHeader
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        TunnelHeader.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.TunnelHeader";
        };

        return TunnelHeader;
    })();

    portmesh.FlowQuery = (function() {

        /**
         * Properties of a FlowQuery.
         * @typedef {Object} portmesh.FlowQuery.$Properties
         * @property {string|null} [key] FlowQuery key
         * @property {string|null} [site] FlowQuery site
         * @property {number|null} [sinceMs] FlowQuery sinceMs
         * @property {number|null} [limit] FlowQuery limit
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FlowQuery.
         * @memberof portmesh
         * @interface IFlowQuery
         * @augments portmesh.FlowQuery.$Properties
         * @deprecated Use portmesh.FlowQuery.$Properties instead.
         */

        /**
         * Shape of a FlowQuery.
         * @typedef {portmesh.FlowQuery.$Properties} portmesh.FlowQuery.$Shape
         */

        /**
         * Constructs a new FlowQuery.
         * @memberof portmesh
         * @classdesc Represents a FlowQuery.
         * @constructor
         * @param {portmesh.FlowQuery.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const FlowQuery = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * FlowQuery key.
         * @member {string} key
         * @memberof portmesh.FlowQuery
         * @instance
         */
        FlowQuery.prototype.key = "";

        /**
         * FlowQuery site.
         * @member {string} site
         * @memberof portmesh.FlowQuery
         * @instance
         */
        FlowQuery.prototype.site = "";

        /**
         * FlowQuery sinceMs.
         * @member {number} sinceMs
         * @memberof portmesh.FlowQuery
         * @instance
         */
        FlowQuery.prototype.sinceMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowQuery limit.
         * @member {number} limit
         * @memberof portmesh.FlowQuery
         * @instance
         */
        FlowQuery.prototype.limit = 0;

        /**
         * Creates a new FlowQuery instance using the specified properties.
         * @function create
         * @memberof portmesh.FlowQuery
         * @static
         * @param {portmesh.FlowQuery.$Properties=} [properties] Properties to set
         * @returns {portmesh.FlowQuery} FlowQuery instance
         * @type {{
         *   (properties: portmesh.FlowQuery.$Shape): portmesh.FlowQuery & portmesh.FlowQuery.$Shape;
         *   (properties?: portmesh.FlowQuery.$Properties): portmesh.FlowQuery;
         * }}
         */
        FlowQuery.create = function(properties) {
            return new FlowQuery(properties);
        };

        /**
         * Encodes the specified FlowQuery message. Does not implicitly {@link portmesh.FlowQuery.verify|verify} messages.
         * @function encode
         * @memberof portmesh.FlowQuery
         * @static
         * @param {portmesh.FlowQuery.$Properties} m FlowQuery message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FlowQuery.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.key != null && $Object.hasOwnProperty.call(m, "key") && m.key !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.key);
            if (m.site != null && $Object.hasOwnProperty.call(m, "site") && m.site !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.site);
            if (m.sinceMs != null && $Object.hasOwnProperty.call(m, "sinceMs") && (typeof m.sinceMs === "object" ? m.sinceMs.low || m.sinceMs.high : m.sinceMs !== 0))
                w.uint32(/* id 3, wireType 0 =*/24).uint64(m.sinceMs);
            if (m.limit != null && $Object.hasOwnProperty.call(m, "limit") && m.limit !== 0)
                w.uint32(/* id 4, wireType 0 =*/32).uint32(m.limit);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a FlowQuery message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.FlowQuery
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.FlowQuery & portmesh.FlowQuery.$Shape} FlowQuery
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FlowQuery.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.FlowQuery();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.key = v;
                        else
                            delete m.key;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.site = v;
                        else
                            delete m.site;
                        continue;
                    }
                case 3: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.sinceMs = v;
                        else
                            delete m.sinceMs;
                        continue;
                    }
                case 4: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.limit = v;
                        else
                            delete m.limit;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for FlowQuery
         * @function getTypeUrl
         * @memberof portmesh.FlowQuery
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        FlowQuery.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.FlowQuery";
        };

        return FlowQuery;
    })();

    portmesh.FlowAttemptMsg = (function() {

        /**
         * Properties of a FlowAttemptMsg.
         * @typedef {Object} portmesh.FlowAttemptMsg.$Properties
         * @property {string|null} [site] FlowAttemptMsg site
         * @property {string|null} [peerId] FlowAttemptMsg peerId
         * @property {string|null} [status] FlowAttemptMsg status
         * @property {string|null} [reason] FlowAttemptMsg reason
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FlowAttemptMsg.
         * @memberof portmesh
         * @interface IFlowAttemptMsg
         * @augments portmesh.FlowAttemptMsg.$Properties
         * @deprecated Use portmesh.FlowAttemptMsg.$Properties instead.
         */

        /**
         * Shape of a FlowAttemptMsg.
         * @typedef {portmesh.FlowAttemptMsg.$Properties} portmesh.FlowAttemptMsg.$Shape
         */

        /**
         * Constructs a new FlowAttemptMsg.
         * @memberof portmesh
         * @classdesc Represents a FlowAttemptMsg.
         * @constructor
         * @param {portmesh.FlowAttemptMsg.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const FlowAttemptMsg = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * FlowAttemptMsg site.
         * @member {string} site
         * @memberof portmesh.FlowAttemptMsg
         * @instance
         */
        FlowAttemptMsg.prototype.site = "";

        /**
         * FlowAttemptMsg peerId.
         * @member {string} peerId
         * @memberof portmesh.FlowAttemptMsg
         * @instance
         */
        FlowAttemptMsg.prototype.peerId = "";

        /**
         * FlowAttemptMsg status.
         * @member {string} status
         * @memberof portmesh.FlowAttemptMsg
         * @instance
         */
        FlowAttemptMsg.prototype.status = "";

        /**
         * FlowAttemptMsg reason.
         * @member {string} reason
         * @memberof portmesh.FlowAttemptMsg
         * @instance
         */
        FlowAttemptMsg.prototype.reason = "";

        /**
         * Creates a new FlowAttemptMsg instance using the specified properties.
         * @function create
         * @memberof portmesh.FlowAttemptMsg
         * @static
         * @param {portmesh.FlowAttemptMsg.$Properties=} [properties] Properties to set
         * @returns {portmesh.FlowAttemptMsg} FlowAttemptMsg instance
         * @type {{
         *   (properties: portmesh.FlowAttemptMsg.$Shape): portmesh.FlowAttemptMsg & portmesh.FlowAttemptMsg.$Shape;
         *   (properties?: portmesh.FlowAttemptMsg.$Properties): portmesh.FlowAttemptMsg;
         * }}
         */
        FlowAttemptMsg.create = function(properties) {
            return new FlowAttemptMsg(properties);
        };

        /**
         * Encodes the specified FlowAttemptMsg message. Does not implicitly {@link portmesh.FlowAttemptMsg.verify|verify} messages.
         * @function encode
         * @memberof portmesh.FlowAttemptMsg
         * @static
         * @param {portmesh.FlowAttemptMsg.$Properties} m FlowAttemptMsg message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FlowAttemptMsg.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.site != null && $Object.hasOwnProperty.call(m, "site") && m.site !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.site);
            if (m.peerId != null && $Object.hasOwnProperty.call(m, "peerId") && m.peerId !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.peerId);
            if (m.status != null && $Object.hasOwnProperty.call(m, "status") && m.status !== "")
                w.uint32(/* id 3, wireType 2 =*/26).string(m.status);
            if (m.reason != null && $Object.hasOwnProperty.call(m, "reason") && m.reason !== "")
                w.uint32(/* id 4, wireType 2 =*/34).string(m.reason);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a FlowAttemptMsg message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.FlowAttemptMsg
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.FlowAttemptMsg & portmesh.FlowAttemptMsg.$Shape} FlowAttemptMsg
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FlowAttemptMsg.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.FlowAttemptMsg();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.site = v;
                        else
                            delete m.site;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.peerId = v;
                        else
                            delete m.peerId;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.status = v;
                        else
                            delete m.status;
                        continue;
                    }
                case 4: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.reason = v;
                        else
                            delete m.reason;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for FlowAttemptMsg
         * @function getTypeUrl
         * @memberof portmesh.FlowAttemptMsg
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        FlowAttemptMsg.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.FlowAttemptMsg";
        };

        return FlowAttemptMsg;
    })();

    portmesh.FlowRecordMsg = (function() {

        /**
         * Properties of a FlowRecordMsg.
         * @typedef {Object} portmesh.FlowRecordMsg.$Properties
         * @property {boolean|null} [destination] FlowRecordMsg destination
         * @property {number|null} [connectionId] FlowRecordMsg connectionId
         * @property {number|null} [startMs] FlowRecordMsg startMs
         * @property {number|null} [endMs] FlowRecordMsg endMs
         * @property {number|null} [durationMs] FlowRecordMsg durationMs
         * @property {string|null} [key] FlowRecordMsg key
         * @property {string|null} [listener] FlowRecordMsg listener
         * @property {string|null} [clientAddress] FlowRecordMsg clientAddress
         * @property {number|null} [clientPort] FlowRecordMsg clientPort
         * @property {string|null} [ingressSite] FlowRecordMsg ingressSite
         * @property {string|null} [ingressPeer] FlowRecordMsg ingressPeer
         * @property {string|null} [targetSite] FlowRecordMsg targetSite
         * @property {string|null} [targetPeer] FlowRecordMsg targetPeer
         * @property {string|null} [connector] FlowRecordMsg connector
         * @property {number|null} [bytesIn] FlowRecordMsg bytesIn
         * @property {number|null} [bytesOut] FlowRecordMsg bytesOut
         * @property {string|null} [result] FlowRecordMsg result
         * @property {string|null} [status] FlowRecordMsg status
         * @property {string|null} [reason] FlowRecordMsg reason
         * @property {Array.<portmesh.FlowAttemptMsg.$Properties>|null} [reforwarded] FlowRecordMsg reforwarded
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FlowRecordMsg.
         * @memberof portmesh
         * @interface IFlowRecordMsg
         * @augments portmesh.FlowRecordMsg.$Properties
         * @deprecated Use portmesh.FlowRecordMsg.$Properties instead.
         */

        /**
         * Shape of a FlowRecordMsg.
         * @typedef {portmesh.FlowRecordMsg.$Properties} portmesh.FlowRecordMsg.$Shape
         */

        /**
         * Constructs a new FlowRecordMsg.
         * @memberof portmesh
         * @classdesc Represents a FlowRecordMsg.
         * @constructor
         * @param {portmesh.FlowRecordMsg.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const FlowRecordMsg = function (p) {
            this.reforwarded = [];
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * FlowRecordMsg destination.
         * @member {boolean} destination
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.destination = false;

        /**
         * FlowRecordMsg connectionId.
         * @member {number} connectionId
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.connectionId = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowRecordMsg startMs.
         * @member {number} startMs
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.startMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowRecordMsg endMs.
         * @member {number} endMs
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.endMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowRecordMsg durationMs.
         * @member {number} durationMs
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.durationMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowRecordMsg key.
         * @member {string} key
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.key = "";

        /**
         * FlowRecordMsg listener.
         * @member {string} listener
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.listener = "";

        /**
         * FlowRecordMsg clientAddress.
         * @member {string} clientAddress
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.clientAddress = "";

        /**
         * FlowRecordMsg clientPort.
         * @member {number} clientPort
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.clientPort = 0;

        /**
         * FlowRecordMsg ingressSite.
         * @member {string} ingressSite
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.ingressSite = "";

        /**
         * FlowRecordMsg ingressPeer.
         * @member {string} ingressPeer
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.ingressPeer = "";

        /**
         * FlowRecordMsg targetSite.
         * @member {string} targetSite
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.targetSite = "";

        /**
         * FlowRecordMsg targetPeer.
         * @member {string} targetPeer
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.targetPeer = "";

        /**
         * FlowRecordMsg connector.
         * @member {string} connector
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.connector = "";

        /**
         * FlowRecordMsg bytesIn.
         * @member {number} bytesIn
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.bytesIn = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowRecordMsg bytesOut.
         * @member {number} bytesOut
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.bytesOut = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * FlowRecordMsg result.
         * @member {string} result
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.result = "";

        /**
         * FlowRecordMsg status.
         * @member {string} status
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.status = "";

        /**
         * FlowRecordMsg reason.
         * @member {string} reason
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.reason = "";

        /**
         * FlowRecordMsg reforwarded.
         * @member {Array.<portmesh.FlowAttemptMsg.$Properties>} reforwarded
         * @memberof portmesh.FlowRecordMsg
         * @instance
         */
        FlowRecordMsg.prototype.reforwarded = $util.emptyArray;

        /**
         * Creates a new FlowRecordMsg instance using the specified properties.
         * @function create
         * @memberof portmesh.FlowRecordMsg
         * @static
         * @param {portmesh.FlowRecordMsg.$Properties=} [properties] Properties to set
         * @returns {portmesh.FlowRecordMsg} FlowRecordMsg instance
         * @type {{
         *   (properties: portmesh.FlowRecordMsg.$Shape): portmesh.FlowRecordMsg & portmesh.FlowRecordMsg.$Shape;
         *   (properties?: portmesh.FlowRecordMsg.$Properties): portmesh.FlowRecordMsg;
         * }}
         */
        FlowRecordMsg.create = function(properties) {
            return new FlowRecordMsg(properties);
        };

        /**
         * Encodes the specified FlowRecordMsg message. Does not implicitly {@link portmesh.FlowRecordMsg.verify|verify} messages.
         * @function encode
         * @memberof portmesh.FlowRecordMsg
         * @static
         * @param {portmesh.FlowRecordMsg.$Properties} m FlowRecordMsg message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FlowRecordMsg.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.destination != null && $Object.hasOwnProperty.call(m, "destination") && m.destination !== false)
                w.uint32(/* id 1, wireType 0 =*/8).bool(m.destination);
            if (m.connectionId != null && $Object.hasOwnProperty.call(m, "connectionId") && (typeof m.connectionId === "object" ? m.connectionId.low || m.connectionId.high : m.connectionId !== 0))
                w.uint32(/* id 2, wireType 0 =*/16).uint64(m.connectionId);
            if (m.startMs != null && $Object.hasOwnProperty.call(m, "startMs") && (typeof m.startMs === "object" ? m.startMs.low || m.startMs.high : m.startMs !== 0))
                w.uint32(/* id 3, wireType 0 =*/24).uint64(m.startMs);
            if (m.endMs != null && $Object.hasOwnProperty.call(m, "endMs") && (typeof m.endMs === "object" ? m.endMs.low || m.endMs.high : m.endMs !== 0))
                w.uint32(/* id 4, wireType 0 =*/32).uint64(m.endMs);
            if (m.durationMs != null && $Object.hasOwnProperty.call(m, "durationMs") && (typeof m.durationMs === "object" ? m.durationMs.low || m.durationMs.high : m.durationMs !== 0))
                w.uint32(/* id 5, wireType 0 =*/40).uint64(m.durationMs);
            if (m.key != null && $Object.hasOwnProperty.call(m, "key") && m.key !== "")
                w.uint32(/* id 6, wireType 2 =*/50).string(m.key);
            if (m.listener != null && $Object.hasOwnProperty.call(m, "listener") && m.listener !== "")
                w.uint32(/* id 7, wireType 2 =*/58).string(m.listener);
            if (m.clientAddress != null && $Object.hasOwnProperty.call(m, "clientAddress") && m.clientAddress !== "")
                w.uint32(/* id 8, wireType 2 =*/66).string(m.clientAddress);
            if (m.clientPort != null && $Object.hasOwnProperty.call(m, "clientPort") && m.clientPort !== 0)
                w.uint32(/* id 9, wireType 0 =*/72).uint32(m.clientPort);
            if (m.ingressSite != null && $Object.hasOwnProperty.call(m, "ingressSite") && m.ingressSite !== "")
                w.uint32(/* id 10, wireType 2 =*/82).string(m.ingressSite);
            if (m.ingressPeer != null && $Object.hasOwnProperty.call(m, "ingressPeer") && m.ingressPeer !== "")
                w.uint32(/* id 11, wireType 2 =*/90).string(m.ingressPeer);
            if (m.targetSite != null && $Object.hasOwnProperty.call(m, "targetSite") && m.targetSite !== "")
                w.uint32(/* id 12, wireType 2 =*/98).string(m.targetSite);
            if (m.targetPeer != null && $Object.hasOwnProperty.call(m, "targetPeer") && m.targetPeer !== "")
                w.uint32(/* id 13, wireType 2 =*/106).string(m.targetPeer);
            if (m.connector != null && $Object.hasOwnProperty.call(m, "connector") && m.connector !== "")
                w.uint32(/* id 14, wireType 2 =*/114).string(m.connector);
            if (m.bytesIn != null && $Object.hasOwnProperty.call(m, "bytesIn") && (typeof m.bytesIn === "object" ? m.bytesIn.low || m.bytesIn.high : m.bytesIn !== 0))
                w.uint32(/* id 15, wireType 0 =*/120).uint64(m.bytesIn);
            if (m.bytesOut != null && $Object.hasOwnProperty.call(m, "bytesOut") && (typeof m.bytesOut === "object" ? m.bytesOut.low || m.bytesOut.high : m.bytesOut !== 0))
                w.uint32(/* id 16, wireType 0 =*/128).uint64(m.bytesOut);
            if (m.result != null && $Object.hasOwnProperty.call(m, "result") && m.result !== "")
                w.uint32(/* id 17, wireType 2 =*/138).string(m.result);
            if (m.status != null && $Object.hasOwnProperty.call(m, "status") && m.status !== "")
                w.uint32(/* id 18, wireType 2 =*/146).string(m.status);
            if (m.reason != null && $Object.hasOwnProperty.call(m, "reason") && m.reason !== "")
                w.uint32(/* id 19, wireType 2 =*/154).string(m.reason);
            if (m.reforwarded != null && m.reforwarded.length) {
                for (var i = 0; i < m.reforwarded.length; ++i)
                    $root.portmesh.FlowAttemptMsg.encode(m.reforwarded[i], w.uint32(/* id 20, wireType 2 =*/162).fork(), q + 1).ldelim();
            }
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a FlowRecordMsg message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.FlowRecordMsg
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.FlowRecordMsg & portmesh.FlowRecordMsg.$Shape} FlowRecordMsg
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FlowRecordMsg.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.FlowRecordMsg();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.destination = v;
                        else
                            delete m.destination;
                        continue;
                    }
                case 2: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.connectionId = v;
                        else
                            delete m.connectionId;
                        continue;
                    }
                case 3: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.startMs = v;
                        else
                            delete m.startMs;
                        continue;
                    }
                case 4: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.endMs = v;
                        else
                            delete m.endMs;
                        continue;
                    }
                case 5: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.durationMs = v;
                        else
                            delete m.durationMs;
                        continue;
                    }
                case 6: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.key = v;
                        else
                            delete m.key;
                        continue;
                    }
                case 7: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.listener = v;
                        else
                            delete m.listener;
                        continue;
                    }
                case 8: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.clientAddress = v;
                        else
                            delete m.clientAddress;
                        continue;
                    }
                case 9: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.clientPort = v;
                        else
                            delete m.clientPort;
                        continue;
                    }
                case 10: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.ingressSite = v;
                        else
                            delete m.ingressSite;
                        continue;
                    }
                case 11: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.ingressPeer = v;
                        else
                            delete m.ingressPeer;
                        continue;
                    }
                case 12: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.targetSite = v;
                        else
                            delete m.targetSite;
                        continue;
                    }
                case 13: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.targetPeer = v;
                        else
                            delete m.targetPeer;
                        continue;
                    }
                case 14: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.connector = v;
                        else
                            delete m.connector;
                        continue;
                    }
                case 15: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.bytesIn = v;
                        else
                            delete m.bytesIn;
                        continue;
                    }
                case 16: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.bytesOut = v;
                        else
                            delete m.bytesOut;
                        continue;
                    }
                case 17: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.result = v;
                        else
                            delete m.result;
                        continue;
                    }
                case 18: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.status = v;
                        else
                            delete m.status;
                        continue;
                    }
                case 19: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.reason = v;
                        else
                            delete m.reason;
                        continue;
                    }
                case 20: {
                        if (u !== 2)
                            break;
                        if (!(m.reforwarded && m.reforwarded.length))
                            m.reforwarded = [];
                        m.reforwarded.push($root.portmesh.FlowAttemptMsg.decode(r, r.size(), $undefined, q + 1));
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for FlowRecordMsg
         * @function getTypeUrl
         * @memberof portmesh.FlowRecordMsg
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        FlowRecordMsg.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.FlowRecordMsg";
        };

        return FlowRecordMsg;
    })();

    portmesh.SitePairMsg = (function() {

        /**
         * Properties of a SitePairMsg.
         * @typedef {Object} portmesh.SitePairMsg.$Properties
         * @property {string|null} [toPeer] SitePairMsg toPeer
         * @property {string|null} [toSite] SitePairMsg toSite
         * @property {string|null} [key] SitePairMsg key
         * @property {number|null} [bytesIn] SitePairMsg bytesIn
         * @property {number|null} [bytesOut] SitePairMsg bytesOut
         * @property {number|null} [open] SitePairMsg open
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a SitePairMsg.
         * @memberof portmesh
         * @interface ISitePairMsg
         * @augments portmesh.SitePairMsg.$Properties
         * @deprecated Use portmesh.SitePairMsg.$Properties instead.
         */

        /**
         * Shape of a SitePairMsg.
         * @typedef {portmesh.SitePairMsg.$Properties} portmesh.SitePairMsg.$Shape
         */

        /**
         * Constructs a new SitePairMsg.
         * @memberof portmesh
         * @classdesc Represents a SitePairMsg.
         * @constructor
         * @param {portmesh.SitePairMsg.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const SitePairMsg = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * SitePairMsg toPeer.
         * @member {string} toPeer
         * @memberof portmesh.SitePairMsg
         * @instance
         */
        SitePairMsg.prototype.toPeer = "";

        /**
         * SitePairMsg toSite.
         * @member {string} toSite
         * @memberof portmesh.SitePairMsg
         * @instance
         */
        SitePairMsg.prototype.toSite = "";

        /**
         * SitePairMsg key.
         * @member {string} key
         * @memberof portmesh.SitePairMsg
         * @instance
         */
        SitePairMsg.prototype.key = "";

        /**
         * SitePairMsg bytesIn.
         * @member {number} bytesIn
         * @memberof portmesh.SitePairMsg
         * @instance
         */
        SitePairMsg.prototype.bytesIn = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * SitePairMsg bytesOut.
         * @member {number} bytesOut
         * @memberof portmesh.SitePairMsg
         * @instance
         */
        SitePairMsg.prototype.bytesOut = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * SitePairMsg open.
         * @member {number} open
         * @memberof portmesh.SitePairMsg
         * @instance
         */
        SitePairMsg.prototype.open = 0;

        /**
         * Creates a new SitePairMsg instance using the specified properties.
         * @function create
         * @memberof portmesh.SitePairMsg
         * @static
         * @param {portmesh.SitePairMsg.$Properties=} [properties] Properties to set
         * @returns {portmesh.SitePairMsg} SitePairMsg instance
         * @type {{
         *   (properties: portmesh.SitePairMsg.$Shape): portmesh.SitePairMsg & portmesh.SitePairMsg.$Shape;
         *   (properties?: portmesh.SitePairMsg.$Properties): portmesh.SitePairMsg;
         * }}
         */
        SitePairMsg.create = function(properties) {
            return new SitePairMsg(properties);
        };

        /**
         * Encodes the specified SitePairMsg message. Does not implicitly {@link portmesh.SitePairMsg.verify|verify} messages.
         * @function encode
         * @memberof portmesh.SitePairMsg
         * @static
         * @param {portmesh.SitePairMsg.$Properties} m SitePairMsg message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SitePairMsg.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.toPeer != null && $Object.hasOwnProperty.call(m, "toPeer") && m.toPeer !== "")
                w.uint32(/* id 1, wireType 2 =*/10).string(m.toPeer);
            if (m.toSite != null && $Object.hasOwnProperty.call(m, "toSite") && m.toSite !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.toSite);
            if (m.key != null && $Object.hasOwnProperty.call(m, "key") && m.key !== "")
                w.uint32(/* id 3, wireType 2 =*/26).string(m.key);
            if (m.bytesIn != null && $Object.hasOwnProperty.call(m, "bytesIn") && (typeof m.bytesIn === "object" ? m.bytesIn.low || m.bytesIn.high : m.bytesIn !== 0))
                w.uint32(/* id 4, wireType 0 =*/32).uint64(m.bytesIn);
            if (m.bytesOut != null && $Object.hasOwnProperty.call(m, "bytesOut") && (typeof m.bytesOut === "object" ? m.bytesOut.low || m.bytesOut.high : m.bytesOut !== 0))
                w.uint32(/* id 5, wireType 0 =*/40).uint64(m.bytesOut);
            if (m.open != null && $Object.hasOwnProperty.call(m, "open") && m.open !== 0)
                w.uint32(/* id 6, wireType 0 =*/48).uint32(m.open);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a SitePairMsg message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.SitePairMsg
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.SitePairMsg & portmesh.SitePairMsg.$Shape} SitePairMsg
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SitePairMsg.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.SitePairMsg();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.toPeer = v;
                        else
                            delete m.toPeer;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.toSite = v;
                        else
                            delete m.toSite;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.key = v;
                        else
                            delete m.key;
                        continue;
                    }
                case 4: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.bytesIn = v;
                        else
                            delete m.bytesIn;
                        continue;
                    }
                case 5: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.bytesOut = v;
                        else
                            delete m.bytesOut;
                        continue;
                    }
                case 6: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.open = v;
                        else
                            delete m.open;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for SitePairMsg
         * @function getTypeUrl
         * @memberof portmesh.SitePairMsg
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        SitePairMsg.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.SitePairMsg";
        };

        return SitePairMsg;
    })();

    portmesh.FlowAnswer = (function() {

        /**
         * Properties of a FlowAnswer.
         * @typedef {Object} portmesh.FlowAnswer.$Properties
         * @property {Array.<portmesh.FlowRecordMsg.$Properties>|null} [records] FlowAnswer records
         * @property {boolean|null} [truncated] FlowAnswer truncated
         * @property {Array.<portmesh.SitePairMsg.$Properties>|null} [pairs] FlowAnswer pairs
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a FlowAnswer.
         * @memberof portmesh
         * @interface IFlowAnswer
         * @augments portmesh.FlowAnswer.$Properties
         * @deprecated Use portmesh.FlowAnswer.$Properties instead.
         */

        /**
         * Shape of a FlowAnswer.
         * @typedef {portmesh.FlowAnswer.$Properties} portmesh.FlowAnswer.$Shape
         */

        /**
         * Constructs a new FlowAnswer.
         * @memberof portmesh
         * @classdesc Represents a FlowAnswer.
         * @constructor
         * @param {portmesh.FlowAnswer.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const FlowAnswer = function (p) {
            this.records = [];
            this.pairs = [];
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * FlowAnswer records.
         * @member {Array.<portmesh.FlowRecordMsg.$Properties>} records
         * @memberof portmesh.FlowAnswer
         * @instance
         */
        FlowAnswer.prototype.records = $util.emptyArray;

        /**
         * FlowAnswer truncated.
         * @member {boolean} truncated
         * @memberof portmesh.FlowAnswer
         * @instance
         */
        FlowAnswer.prototype.truncated = false;

        /**
         * FlowAnswer pairs.
         * @member {Array.<portmesh.SitePairMsg.$Properties>} pairs
         * @memberof portmesh.FlowAnswer
         * @instance
         */
        FlowAnswer.prototype.pairs = $util.emptyArray;

        /**
         * Creates a new FlowAnswer instance using the specified properties.
         * @function create
         * @memberof portmesh.FlowAnswer
         * @static
         * @param {portmesh.FlowAnswer.$Properties=} [properties] Properties to set
         * @returns {portmesh.FlowAnswer} FlowAnswer instance
         * @type {{
         *   (properties: portmesh.FlowAnswer.$Shape): portmesh.FlowAnswer & portmesh.FlowAnswer.$Shape;
         *   (properties?: portmesh.FlowAnswer.$Properties): portmesh.FlowAnswer;
         * }}
         */
        FlowAnswer.create = function(properties) {
            return new FlowAnswer(properties);
        };

        /**
         * Encodes the specified FlowAnswer message. Does not implicitly {@link portmesh.FlowAnswer.verify|verify} messages.
         * @function encode
         * @memberof portmesh.FlowAnswer
         * @static
         * @param {portmesh.FlowAnswer.$Properties} m FlowAnswer message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        FlowAnswer.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.records != null && m.records.length) {
                for (var i = 0; i < m.records.length; ++i)
                    $root.portmesh.FlowRecordMsg.encode(m.records[i], w.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
            }
            if (m.truncated != null && $Object.hasOwnProperty.call(m, "truncated") && m.truncated !== false)
                w.uint32(/* id 2, wireType 0 =*/16).bool(m.truncated);
            if (m.pairs != null && m.pairs.length) {
                for (var i = 0; i < m.pairs.length; ++i)
                    $root.portmesh.SitePairMsg.encode(m.pairs[i], w.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
            }
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a FlowAnswer message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.FlowAnswer
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.FlowAnswer & portmesh.FlowAnswer.$Shape} FlowAnswer
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        FlowAnswer.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.FlowAnswer();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if (!(m.records && m.records.length))
                            m.records = [];
                        m.records.push($root.portmesh.FlowRecordMsg.decode(r, r.size(), $undefined, q + 1));
                        continue;
                    }
                case 2: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.truncated = v;
                        else
                            delete m.truncated;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if (!(m.pairs && m.pairs.length))
                            m.pairs = [];
                        m.pairs.push($root.portmesh.SitePairMsg.decode(r, r.size(), $undefined, q + 1));
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for FlowAnswer
         * @function getTypeUrl
         * @memberof portmesh.FlowAnswer
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        FlowAnswer.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.FlowAnswer";
        };

        return FlowAnswer;
    })();

    portmesh.TunnelStatus = (function() {

        /**
         * Properties of a TunnelStatus.
         * @typedef {Object} portmesh.TunnelStatus.$Properties
         * @property {portmesh.TunnelStatus.Code|null} [code] TunnelStatus code
         * @property {string|null} [message] TunnelStatus message
         * @property {Uint8Array|null} [e2eKey] TunnelStatus e2eKey
         * @property {Uint8Array|null} [destinationProof] TunnelStatus destinationProof
         * @property {boolean|null} [resumable] TunnelStatus resumable
         * @property {number|null} [received] TunnelStatus received
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a TunnelStatus.
         * @memberof portmesh
         * @interface ITunnelStatus
         * @augments portmesh.TunnelStatus.$Properties
         * @deprecated Use portmesh.TunnelStatus.$Properties instead.
         */

        /**
         * Shape of a TunnelStatus.
         * @typedef {portmesh.TunnelStatus.$Properties} portmesh.TunnelStatus.$Shape
         */

        /**
         * Constructs a new TunnelStatus.
         * @memberof portmesh
         * @classdesc Represents a TunnelStatus.
         * @constructor
         * @param {portmesh.TunnelStatus.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const TunnelStatus = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * TunnelStatus code.
         * @member {portmesh.TunnelStatus.Code} code
         * @memberof portmesh.TunnelStatus
         * @instance
         */
        TunnelStatus.prototype.code = 0;

        /**
         * TunnelStatus message.
         * @member {string} message
         * @memberof portmesh.TunnelStatus
         * @instance
         */
        TunnelStatus.prototype.message = "";

        /**
         * TunnelStatus e2eKey.
         * @member {Uint8Array} e2eKey
         * @memberof portmesh.TunnelStatus
         * @instance
         */
        TunnelStatus.prototype.e2eKey = $util.newBuffer([]);

        /**
         * TunnelStatus destinationProof.
         * @member {Uint8Array} destinationProof
         * @memberof portmesh.TunnelStatus
         * @instance
         */
        TunnelStatus.prototype.destinationProof = $util.newBuffer([]);

        /**
         * TunnelStatus resumable.
         * @member {boolean} resumable
         * @memberof portmesh.TunnelStatus
         * @instance
         */
        TunnelStatus.prototype.resumable = false;

        /**
         * TunnelStatus received.
         * @member {number} received
         * @memberof portmesh.TunnelStatus
         * @instance
         */
        TunnelStatus.prototype.received = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new TunnelStatus instance using the specified properties.
         * @function create
         * @memberof portmesh.TunnelStatus
         * @static
         * @param {portmesh.TunnelStatus.$Properties=} [properties] Properties to set
         * @returns {portmesh.TunnelStatus} TunnelStatus instance
         * @type {{
         *   (properties: portmesh.TunnelStatus.$Shape): portmesh.TunnelStatus & portmesh.TunnelStatus.$Shape;
         *   (properties?: portmesh.TunnelStatus.$Properties): portmesh.TunnelStatus;
         * }}
         */
        TunnelStatus.create = function(properties) {
            return new TunnelStatus(properties);
        };

        /**
         * Encodes the specified TunnelStatus message. Does not implicitly {@link portmesh.TunnelStatus.verify|verify} messages.
         * @function encode
         * @memberof portmesh.TunnelStatus
         * @static
         * @param {portmesh.TunnelStatus.$Properties} m TunnelStatus message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        TunnelStatus.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.code != null && $Object.hasOwnProperty.call(m, "code") && m.code !== 0)
                w.uint32(/* id 1, wireType 0 =*/8).int32(m.code);
            if (m.message != null && $Object.hasOwnProperty.call(m, "message") && m.message !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.message);
            if (m.e2eKey != null && $Object.hasOwnProperty.call(m, "e2eKey") && m.e2eKey.length)
                w.uint32(/* id 3, wireType 2 =*/26).bytes(m.e2eKey);
            if (m.destinationProof != null && $Object.hasOwnProperty.call(m, "destinationProof") && m.destinationProof.length)
                w.uint32(/* id 4, wireType 2 =*/34).bytes(m.destinationProof);
            if (m.resumable != null && $Object.hasOwnProperty.call(m, "resumable") && m.resumable !== false)
                w.uint32(/* id 5, wireType 0 =*/40).bool(m.resumable);
            if (m.received != null && $Object.hasOwnProperty.call(m, "received") && (typeof m.received === "object" ? m.received.low || m.received.high : m.received !== 0))
                w.uint32(/* id 6, wireType 0 =*/48).uint64(m.received);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a TunnelStatus message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.TunnelStatus
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.TunnelStatus & portmesh.TunnelStatus.$Shape} TunnelStatus
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        TunnelStatus.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.TunnelStatus();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (v = r.int32())
                            m.code = v;
                        else
                            delete m.code;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.message = v;
                        else
                            delete m.message;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.e2eKey = v;
                        else
                            delete m.e2eKey;
                        continue;
                    }
                case 4: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.destinationProof = v;
                        else
                            delete m.destinationProof;
                        continue;
                    }
                case 5: {
                        if (u !== 0)
                            break;
                        if (v = r.bool())
                            m.resumable = v;
                        else
                            delete m.resumable;
                        continue;
                    }
                case 6: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.received = v;
                        else
                            delete m.received;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for TunnelStatus
         * @function getTypeUrl
         * @memberof portmesh.TunnelStatus
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        TunnelStatus.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.TunnelStatus";
        };

        /**
         * Code enum.
         * @name portmesh.TunnelStatus.Code
         * @enum {number}
         * @property {number} UNSPECIFIED=0 UNSPECIFIED value
         * @property {number} OK=1 OK value
         * @property {number} NO_ROUTE=2 NO_ROUTE value
         * @property {number} CONNECT_FAILED=3 CONNECT_FAILED value
         * @property {number} HOP_LIMIT=4 HOP_LIMIT value
         * @property {number} DENIED=5 DENIED value
         * @property {number} BAD_REQUEST=6 BAD_REQUEST value
         * @property {number} GONE=7 GONE value
         */
        TunnelStatus.Code = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "UNSPECIFIED"] = 0;
            values[valuesById[1] = "OK"] = 1;
            values[valuesById[2] = "NO_ROUTE"] = 2;
            values[valuesById[3] = "CONNECT_FAILED"] = 3;
            values[valuesById[4] = "HOP_LIMIT"] = 4;
            values[valuesById[5] = "DENIED"] = 5;
            values[valuesById[6] = "BAD_REQUEST"] = 6;
            values[valuesById[7] = "GONE"] = 7;
            return values;
        })();

        return TunnelStatus;
    })();

    portmesh.Token = (function() {

        /**
         * Properties of a Token.
         * @typedef {Object} portmesh.Token.$Properties
         * @property {number|null} [version] Token version
         * @property {string|null} [issuer] Token issuer
         * @property {Array.<string>|null} [addresses] Token addresses
         * @property {Uint8Array|null} [grantId] Token grantId
         * @property {Uint8Array|null} [secret] Token secret
         * @property {number|null} [expiresAt] Token expiresAt
         * @property {string|null} [issuerSite] Token issuerSite
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Token.
         * @memberof portmesh
         * @interface IToken
         * @augments portmesh.Token.$Properties
         * @deprecated Use portmesh.Token.$Properties instead.
         */

        /**
         * Shape of a Token.
         * @typedef {portmesh.Token.$Properties} portmesh.Token.$Shape
         */

        /**
         * Constructs a new Token.
         * @memberof portmesh
         * @classdesc Represents a Token.
         * @constructor
         * @param {portmesh.Token.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Token = function (p) {
            this.addresses = [];
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * Token version.
         * @member {number} version
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.version = 0;

        /**
         * Token issuer.
         * @member {string} issuer
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.issuer = "";

        /**
         * Token addresses.
         * @member {Array.<string>} addresses
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.addresses = $util.emptyArray;

        /**
         * Token grantId.
         * @member {Uint8Array} grantId
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.grantId = $util.newBuffer([]);

        /**
         * Token secret.
         * @member {Uint8Array} secret
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.secret = $util.newBuffer([]);

        /**
         * Token expiresAt.
         * @member {number} expiresAt
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.expiresAt = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Token issuerSite.
         * @member {string} issuerSite
         * @memberof portmesh.Token
         * @instance
         */
        Token.prototype.issuerSite = "";

        /**
         * Creates a new Token instance using the specified properties.
         * @function create
         * @memberof portmesh.Token
         * @static
         * @param {portmesh.Token.$Properties=} [properties] Properties to set
         * @returns {portmesh.Token} Token instance
         * @type {{
         *   (properties: portmesh.Token.$Shape): portmesh.Token & portmesh.Token.$Shape;
         *   (properties?: portmesh.Token.$Properties): portmesh.Token;
         * }}
         */
        Token.create = function(properties) {
            return new Token(properties);
        };

        /**
         * Encodes the specified Token message. Does not implicitly {@link portmesh.Token.verify|verify} messages.
         * @function encode
         * @memberof portmesh.Token
         * @static
         * @param {portmesh.Token.$Properties} m Token message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Token.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.version != null && $Object.hasOwnProperty.call(m, "version") && m.version !== 0)
                w.uint32(/* id 1, wireType 0 =*/8).uint32(m.version);
            if (m.issuer != null && $Object.hasOwnProperty.call(m, "issuer") && m.issuer !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.issuer);
            if (m.addresses != null && m.addresses.length) {
                for (var i = 0; i < m.addresses.length; ++i)
                    w.uint32(/* id 3, wireType 2 =*/26).string(m.addresses[i]);
            }
            if (m.grantId != null && $Object.hasOwnProperty.call(m, "grantId") && m.grantId.length)
                w.uint32(/* id 4, wireType 2 =*/34).bytes(m.grantId);
            if (m.secret != null && $Object.hasOwnProperty.call(m, "secret") && m.secret.length)
                w.uint32(/* id 5, wireType 2 =*/42).bytes(m.secret);
            if (m.expiresAt != null && $Object.hasOwnProperty.call(m, "expiresAt") && (typeof m.expiresAt === "object" ? m.expiresAt.low || m.expiresAt.high : m.expiresAt !== 0))
                w.uint32(/* id 6, wireType 0 =*/48).uint64(m.expiresAt);
            if (m.issuerSite != null && $Object.hasOwnProperty.call(m, "issuerSite") && m.issuerSite !== "")
                w.uint32(/* id 7, wireType 2 =*/58).string(m.issuerSite);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a Token message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.Token
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.Token & portmesh.Token.$Shape} Token
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Token.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.Token();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (v = r.uint32())
                            m.version = v;
                        else
                            delete m.version;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.issuer = v;
                        else
                            delete m.issuer;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if (!(m.addresses && m.addresses.length))
                            m.addresses = [];
                        m.addresses.push(r.stringVerify());
                        continue;
                    }
                case 4: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.grantId = v;
                        else
                            delete m.grantId;
                        continue;
                    }
                case 5: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.secret = v;
                        else
                            delete m.secret;
                        continue;
                    }
                case 6: {
                        if (u !== 0)
                            break;
                        if (typeof (v = r.uint64()) === "object" ? v.low || v.high : v !== 0)
                            m.expiresAt = v;
                        else
                            delete m.expiresAt;
                        continue;
                    }
                case 7: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.issuerSite = v;
                        else
                            delete m.issuerSite;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for Token
         * @function getTypeUrl
         * @memberof portmesh.Token
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Token.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.Token";
        };

        return Token;
    })();

    portmesh.JoinRequest = (function() {

        /**
         * Properties of a JoinRequest.
         * @typedef {Object} portmesh.JoinRequest.$Properties
         * @property {Uint8Array|null} [grantId] JoinRequest grantId
         * @property {Uint8Array|null} [proof] JoinRequest proof
         * @property {string|null} [site] JoinRequest site
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a JoinRequest.
         * @memberof portmesh
         * @interface IJoinRequest
         * @augments portmesh.JoinRequest.$Properties
         * @deprecated Use portmesh.JoinRequest.$Properties instead.
         */

        /**
         * Shape of a JoinRequest.
         * @typedef {portmesh.JoinRequest.$Properties} portmesh.JoinRequest.$Shape
         */

        /**
         * Constructs a new JoinRequest.
         * @memberof portmesh
         * @classdesc Represents a JoinRequest.
         * @constructor
         * @param {portmesh.JoinRequest.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const JoinRequest = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * JoinRequest grantId.
         * @member {Uint8Array} grantId
         * @memberof portmesh.JoinRequest
         * @instance
         */
        JoinRequest.prototype.grantId = $util.newBuffer([]);

        /**
         * JoinRequest proof.
         * @member {Uint8Array} proof
         * @memberof portmesh.JoinRequest
         * @instance
         */
        JoinRequest.prototype.proof = $util.newBuffer([]);

        /**
         * JoinRequest site.
         * @member {string} site
         * @memberof portmesh.JoinRequest
         * @instance
         */
        JoinRequest.prototype.site = "";

        /**
         * Creates a new JoinRequest instance using the specified properties.
         * @function create
         * @memberof portmesh.JoinRequest
         * @static
         * @param {portmesh.JoinRequest.$Properties=} [properties] Properties to set
         * @returns {portmesh.JoinRequest} JoinRequest instance
         * @type {{
         *   (properties: portmesh.JoinRequest.$Shape): portmesh.JoinRequest & portmesh.JoinRequest.$Shape;
         *   (properties?: portmesh.JoinRequest.$Properties): portmesh.JoinRequest;
         * }}
         */
        JoinRequest.create = function(properties) {
            return new JoinRequest(properties);
        };

        /**
         * Encodes the specified JoinRequest message. Does not implicitly {@link portmesh.JoinRequest.verify|verify} messages.
         * @function encode
         * @memberof portmesh.JoinRequest
         * @static
         * @param {portmesh.JoinRequest.$Properties} m JoinRequest message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        JoinRequest.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.grantId != null && $Object.hasOwnProperty.call(m, "grantId") && m.grantId.length)
                w.uint32(/* id 1, wireType 2 =*/10).bytes(m.grantId);
            if (m.proof != null && $Object.hasOwnProperty.call(m, "proof") && m.proof.length)
                w.uint32(/* id 2, wireType 2 =*/18).bytes(m.proof);
            if (m.site != null && $Object.hasOwnProperty.call(m, "site") && m.site !== "")
                w.uint32(/* id 3, wireType 2 =*/26).string(m.site);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a JoinRequest message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.JoinRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.JoinRequest & portmesh.JoinRequest.$Shape} JoinRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        JoinRequest.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.JoinRequest();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.grantId = v;
                        else
                            delete m.grantId;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.bytes()).length)
                            m.proof = v;
                        else
                            delete m.proof;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.site = v;
                        else
                            delete m.site;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for JoinRequest
         * @function getTypeUrl
         * @memberof portmesh.JoinRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        JoinRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.JoinRequest";
        };

        return JoinRequest;
    })();

    portmesh.JoinResponse = (function() {

        /**
         * Properties of a JoinResponse.
         * @typedef {Object} portmesh.JoinResponse.$Properties
         * @property {portmesh.JoinResponse.Code|null} [code] JoinResponse code
         * @property {string|null} [message] JoinResponse message
         * @property {string|null} [site] JoinResponse site
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a JoinResponse.
         * @memberof portmesh
         * @interface IJoinResponse
         * @augments portmesh.JoinResponse.$Properties
         * @deprecated Use portmesh.JoinResponse.$Properties instead.
         */

        /**
         * Shape of a JoinResponse.
         * @typedef {portmesh.JoinResponse.$Properties} portmesh.JoinResponse.$Shape
         */

        /**
         * Constructs a new JoinResponse.
         * @memberof portmesh
         * @classdesc Represents a JoinResponse.
         * @constructor
         * @param {portmesh.JoinResponse.$Properties=} [p] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const JoinResponse = function (p) {
            if (p)
                for (var ks = $Object.keys(p), i = 0; i < ks.length; ++i)
                    if (p[ks[i]] != null && ks[i] !== "__proto__")
                        this[ks[i]] = p[ks[i]];
        };

        /**
         * JoinResponse code.
         * @member {portmesh.JoinResponse.Code} code
         * @memberof portmesh.JoinResponse
         * @instance
         */
        JoinResponse.prototype.code = 0;

        /**
         * JoinResponse message.
         * @member {string} message
         * @memberof portmesh.JoinResponse
         * @instance
         */
        JoinResponse.prototype.message = "";

        /**
         * JoinResponse site.
         * @member {string} site
         * @memberof portmesh.JoinResponse
         * @instance
         */
        JoinResponse.prototype.site = "";

        /**
         * Creates a new JoinResponse instance using the specified properties.
         * @function create
         * @memberof portmesh.JoinResponse
         * @static
         * @param {portmesh.JoinResponse.$Properties=} [properties] Properties to set
         * @returns {portmesh.JoinResponse} JoinResponse instance
         * @type {{
         *   (properties: portmesh.JoinResponse.$Shape): portmesh.JoinResponse & portmesh.JoinResponse.$Shape;
         *   (properties?: portmesh.JoinResponse.$Properties): portmesh.JoinResponse;
         * }}
         */
        JoinResponse.create = function(properties) {
            return new JoinResponse(properties);
        };

        /**
         * Encodes the specified JoinResponse message. Does not implicitly {@link portmesh.JoinResponse.verify|verify} messages.
         * @function encode
         * @memberof portmesh.JoinResponse
         * @static
         * @param {portmesh.JoinResponse.$Properties} m JoinResponse message or plain object to encode
         * @param {$protobuf.Writer} [w] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        JoinResponse.encode = function (m, w, q) {
            if (!w)
                w = $Writer.create();
            if (q === $undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (m.code != null && $Object.hasOwnProperty.call(m, "code") && m.code !== 0)
                w.uint32(/* id 1, wireType 0 =*/8).int32(m.code);
            if (m.message != null && $Object.hasOwnProperty.call(m, "message") && m.message !== "")
                w.uint32(/* id 2, wireType 2 =*/18).string(m.message);
            if (m.site != null && $Object.hasOwnProperty.call(m, "site") && m.site !== "")
                w.uint32(/* id 3, wireType 2 =*/26).string(m.site);
            if (m.$unknowns != null && $Object.hasOwnProperty.call(m, "$unknowns"))
                for (var i = 0; i < m.$unknowns.length; ++i)
                    w.raw(m.$unknowns[i]);
            return w;
        };

        /**
         * Decodes a JoinResponse message from the specified reader or buffer.
         * @function decode
         * @memberof portmesh.JoinResponse
         * @static
         * @param {$protobuf.Reader|Uint8Array} r Reader or buffer to decode from
         * @param {number} [l] Message length if known beforehand
         * @returns {portmesh.JoinResponse & portmesh.JoinResponse.$Shape} JoinResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        JoinResponse.decode = function (r, l, z, q, g) {
            if (!(r instanceof $Reader))
                r = $Reader.create(r);
            if (q === $undefined)
                q = 0;
            if (q > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            var c, m, v;
            if (l === $undefined)
                c = r.len;
            else {
                c = r.pos + l;
                if (c > r.len)
                    throw $RangeError("index out of range");
                l = r.len;
                r.len = c;
            }
            m = g || new $root.portmesh.JoinResponse();
            while (r.pos < c) {
                var s = r.pos;
                var t = r.tag();
                if (t === z) {
                    z = $undefined;
                    break;
                }
                var u = t & 7;
                switch (t >>>= 3) {
                case 1: {
                        if (u !== 0)
                            break;
                        if (v = r.int32())
                            m.code = v;
                        else
                            delete m.code;
                        continue;
                    }
                case 2: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.message = v;
                        else
                            delete m.message;
                        continue;
                    }
                case 3: {
                        if (u !== 2)
                            break;
                        if ((v = r.stringVerify()).length)
                            m.site = v;
                        else
                            delete m.site;
                        continue;
                    }
                }
                r.skipType(u, q, t);
                if (!r.discardUnknown) {
                    $util.makeProp(m, "$unknowns", false);
                    (m.$unknowns || (m.$unknowns = [])).push(r.raw(s, r.pos));
                }
            }
            if (l !== $undefined) {
                if (r.pos !== c)
                    throw $RangeError("index out of range");
                r.len = l;
            }
            if (z !== $undefined)
                throw $Error("missing end group");
            return m;
        };

        /**
         * Gets the type url for JoinResponse
         * @function getTypeUrl
         * @memberof portmesh.JoinResponse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        JoinResponse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/portmesh.JoinResponse";
        };

        /**
         * Code enum.
         * @name portmesh.JoinResponse.Code
         * @enum {number}
         * @property {number} UNSPECIFIED=0 UNSPECIFIED value
         * @property {number} OK=1 OK value
         * @property {number} UNKNOWN=2 UNKNOWN value
         * @property {number} EXPIRED=3 EXPIRED value
         * @property {number} USED=4 USED value
         * @property {number} BAD_PROOF=5 BAD_PROOF value
         * @property {number} BUSY=6 BUSY value
         * @property {number} REVOKED=7 REVOKED value
         */
        JoinResponse.Code = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "UNSPECIFIED"] = 0;
            values[valuesById[1] = "OK"] = 1;
            values[valuesById[2] = "UNKNOWN"] = 2;
            values[valuesById[3] = "EXPIRED"] = 3;
            values[valuesById[4] = "USED"] = 4;
            values[valuesById[5] = "BAD_PROOF"] = 5;
            values[valuesById[6] = "BUSY"] = 6;
            values[valuesById[7] = "REVOKED"] = 7;
            return values;
        })();

        return JoinResponse;
    })();

    return portmesh;
})();

export {
  $root as default
};
