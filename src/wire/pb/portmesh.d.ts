import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace portmesh. */
export namespace portmesh {

    /**
     * Properties of a LinkAd.
     * @deprecated Use portmesh.LinkAd.$Properties instead.
     */
    interface ILinkAd extends portmesh.LinkAd.$Properties {
    }

    /** Represents a LinkAd. */
    class LinkAd {

        /**
         * Constructs a new LinkAd.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.LinkAd.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** LinkAd peer. */
        peer: string;

        /** LinkAd cost. */
        cost: number;

        /**
         * Creates a new LinkAd instance using the specified properties.
         * @param [properties] Properties to set
         * @returns LinkAd instance
         */
        static create(properties: portmesh.LinkAd.$Shape): portmesh.LinkAd & portmesh.LinkAd.$Shape;
        static create(properties?: portmesh.LinkAd.$Properties): portmesh.LinkAd;

        /**
         * Encodes the specified LinkAd message. Does not implicitly {@link portmesh.LinkAd.verify|verify} messages.
         * @param m LinkAd message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.LinkAd.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a LinkAd message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.LinkAd & portmesh.LinkAd.$Shape} LinkAd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.LinkAd & portmesh.LinkAd.$Shape;

        /**
         * Gets the type url for LinkAd
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace LinkAd {

        /** Properties of a LinkAd. */
        interface $Properties {

            /** LinkAd peer */
            peer?: (string|null);

            /** LinkAd cost */
            cost?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a LinkAd. */
        type $Shape = portmesh.LinkAd.$Properties;
    }

    /**
     * Properties of a ServiceAd.
     * @deprecated Use portmesh.ServiceAd.$Properties instead.
     */
    interface IServiceAd extends portmesh.ServiceAd.$Properties {
    }

    /** Represents a ServiceAd. */
    class ServiceAd {

        /**
         * Constructs a new ServiceAd.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.ServiceAd.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ServiceAd routingKey. */
        routingKey: string;

        /** ServiceAd connectors. */
        connectors: number;

        /** ServiceAd cost. */
        cost: number;

        /** ServiceAd e2e. */
        e2e: boolean;

        /** ServiceAd weight. */
        weight: number;

        /**
         * Creates a new ServiceAd instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ServiceAd instance
         */
        static create(properties: portmesh.ServiceAd.$Shape): portmesh.ServiceAd & portmesh.ServiceAd.$Shape;
        static create(properties?: portmesh.ServiceAd.$Properties): portmesh.ServiceAd;

        /**
         * Encodes the specified ServiceAd message. Does not implicitly {@link portmesh.ServiceAd.verify|verify} messages.
         * @param m ServiceAd message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.ServiceAd.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ServiceAd message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.ServiceAd & portmesh.ServiceAd.$Shape} ServiceAd
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.ServiceAd & portmesh.ServiceAd.$Shape;

        /**
         * Gets the type url for ServiceAd
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ServiceAd {

        /** Properties of a ServiceAd. */
        interface $Properties {

            /** ServiceAd routingKey */
            routingKey?: (string|null);

            /** ServiceAd connectors */
            connectors?: (number|null);

            /** ServiceAd cost */
            cost?: (number|null);

            /** ServiceAd e2e */
            e2e?: (boolean|null);

            /** ServiceAd weight */
            weight?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ServiceAd. */
        type $Shape = portmesh.ServiceAd.$Properties;
    }

    /**
     * Properties of an Advertisement.
     * @deprecated Use portmesh.Advertisement.$Properties instead.
     */
    interface IAdvertisement extends portmesh.Advertisement.$Properties {
    }

    /** Represents an Advertisement. */
    class Advertisement {

        /**
         * Constructs a new Advertisement.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.Advertisement.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Advertisement origin. */
        origin: string;

        /** Advertisement epoch. */
        epoch: number;

        /** Advertisement seq. */
        seq: number;

        /** Advertisement site. */
        site: string;

        /** Advertisement links. */
        links: portmesh.LinkAd.$Properties[];

        /** Advertisement services. */
        services: portmesh.ServiceAd.$Properties[];

        /** Advertisement features. */
        features: number;

        /** Advertisement dataProcesses. */
        dataProcesses: portmesh.DataProcess.$Properties[];

        /**
         * Creates a new Advertisement instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Advertisement instance
         */
        static create(properties: portmesh.Advertisement.$Shape): portmesh.Advertisement & portmesh.Advertisement.$Shape;
        static create(properties?: portmesh.Advertisement.$Properties): portmesh.Advertisement;

        /**
         * Encodes the specified Advertisement message. Does not implicitly {@link portmesh.Advertisement.verify|verify} messages.
         * @param m Advertisement message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.Advertisement.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Advertisement message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.Advertisement & portmesh.Advertisement.$Shape} Advertisement
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.Advertisement & portmesh.Advertisement.$Shape;

        /**
         * Gets the type url for Advertisement
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Advertisement {

        /** Properties of an Advertisement. */
        interface $Properties {

            /** Advertisement origin */
            origin?: (string|null);

            /** Advertisement epoch */
            epoch?: (number|null);

            /** Advertisement seq */
            seq?: (number|null);

            /** Advertisement site */
            site?: (string|null);

            /** Advertisement links */
            links?: (portmesh.LinkAd.$Properties[]|null);

            /** Advertisement services */
            services?: (portmesh.ServiceAd.$Properties[]|null);

            /** Advertisement features */
            features?: (number|null);

            /** Advertisement dataProcesses */
            dataProcesses?: (portmesh.DataProcess.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Advertisement. */
        type $Shape = portmesh.Advertisement.$Properties;
    }

    /**
     * Properties of a DataProcess.
     * @deprecated Use portmesh.DataProcess.$Properties instead.
     */
    interface IDataProcess extends portmesh.DataProcess.$Properties {
    }

    /** Represents a DataProcess. */
    class DataProcess {

        /**
         * Constructs a new DataProcess.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.DataProcess.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DataProcess addrs. */
        addrs: string[];

        /**
         * Creates a new DataProcess instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DataProcess instance
         */
        static create(properties: portmesh.DataProcess.$Shape): portmesh.DataProcess & portmesh.DataProcess.$Shape;
        static create(properties?: portmesh.DataProcess.$Properties): portmesh.DataProcess;

        /**
         * Encodes the specified DataProcess message. Does not implicitly {@link portmesh.DataProcess.verify|verify} messages.
         * @param m DataProcess message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.DataProcess.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DataProcess message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.DataProcess & portmesh.DataProcess.$Shape} DataProcess
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.DataProcess & portmesh.DataProcess.$Shape;

        /**
         * Gets the type url for DataProcess
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DataProcess {

        /** Properties of a DataProcess. */
        interface $Properties {

            /** DataProcess addrs */
            addrs?: (string[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DataProcess. */
        type $Shape = portmesh.DataProcess.$Properties;
    }

    /**
     * Properties of a SignedAdvertisement.
     * @deprecated Use portmesh.SignedAdvertisement.$Properties instead.
     */
    interface ISignedAdvertisement extends portmesh.SignedAdvertisement.$Properties {
    }

    /** Represents a SignedAdvertisement. */
    class SignedAdvertisement {

        /**
         * Constructs a new SignedAdvertisement.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.SignedAdvertisement.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** SignedAdvertisement body. */
        body: Uint8Array;

        /** SignedAdvertisement signature. */
        signature: Uint8Array;

        /**
         * Creates a new SignedAdvertisement instance using the specified properties.
         * @param [properties] Properties to set
         * @returns SignedAdvertisement instance
         */
        static create(properties: portmesh.SignedAdvertisement.$Shape): portmesh.SignedAdvertisement & portmesh.SignedAdvertisement.$Shape;
        static create(properties?: portmesh.SignedAdvertisement.$Properties): portmesh.SignedAdvertisement;

        /**
         * Encodes the specified SignedAdvertisement message. Does not implicitly {@link portmesh.SignedAdvertisement.verify|verify} messages.
         * @param m SignedAdvertisement message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.SignedAdvertisement.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a SignedAdvertisement message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.SignedAdvertisement & portmesh.SignedAdvertisement.$Shape} SignedAdvertisement
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.SignedAdvertisement & portmesh.SignedAdvertisement.$Shape;

        /**
         * Gets the type url for SignedAdvertisement
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace SignedAdvertisement {

        /** Properties of a SignedAdvertisement. */
        interface $Properties {

            /** SignedAdvertisement body */
            body?: (Uint8Array|null);

            /** SignedAdvertisement signature */
            signature?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a SignedAdvertisement. */
        type $Shape = portmesh.SignedAdvertisement.$Properties;
    }

    /**
     * Properties of a Hello.
     * @deprecated Use portmesh.Hello.$Properties instead.
     */
    interface IHello extends portmesh.Hello.$Properties {
    }

    /** Represents a Hello. */
    class Hello {

        /**
         * Constructs a new Hello.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.Hello.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Hello version. */
        version: number;

        /** Hello site. */
        site: string;

        /** Hello epoch. */
        epoch: number;

        /** Hello configuredCost. */
        configuredCost: number;

        /**
         * Creates a new Hello instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Hello instance
         */
        static create(properties: portmesh.Hello.$Shape): portmesh.Hello & portmesh.Hello.$Shape;
        static create(properties?: portmesh.Hello.$Properties): portmesh.Hello;

        /**
         * Encodes the specified Hello message. Does not implicitly {@link portmesh.Hello.verify|verify} messages.
         * @param m Hello message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.Hello.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Hello message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.Hello & portmesh.Hello.$Shape} Hello
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.Hello & portmesh.Hello.$Shape;

        /**
         * Gets the type url for Hello
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Hello {

        /** Properties of a Hello. */
        interface $Properties {

            /** Hello version */
            version?: (number|null);

            /** Hello site */
            site?: (string|null);

            /** Hello epoch */
            epoch?: (number|null);

            /** Hello configuredCost */
            configuredCost?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Hello. */
        type $Shape = portmesh.Hello.$Properties;
    }

    /**
     * Properties of a Ping.
     * @deprecated Use portmesh.Ping.$Properties instead.
     */
    interface IPing extends portmesh.Ping.$Properties {
    }

    /** Represents a Ping. */
    class Ping {

        /**
         * Constructs a new Ping.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.Ping.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Ping nonce. */
        nonce: number;

        /**
         * Creates a new Ping instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Ping instance
         */
        static create(properties: portmesh.Ping.$Shape): portmesh.Ping & portmesh.Ping.$Shape;
        static create(properties?: portmesh.Ping.$Properties): portmesh.Ping;

        /**
         * Encodes the specified Ping message. Does not implicitly {@link portmesh.Ping.verify|verify} messages.
         * @param m Ping message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.Ping.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Ping message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.Ping & portmesh.Ping.$Shape} Ping
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.Ping & portmesh.Ping.$Shape;

        /**
         * Gets the type url for Ping
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Ping {

        /** Properties of a Ping. */
        interface $Properties {

            /** Ping nonce */
            nonce?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Ping. */
        type $Shape = portmesh.Ping.$Properties;
    }

    /**
     * Properties of a Pong.
     * @deprecated Use portmesh.Pong.$Properties instead.
     */
    interface IPong extends portmesh.Pong.$Properties {
    }

    /** Represents a Pong. */
    class Pong {

        /**
         * Constructs a new Pong.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.Pong.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Pong nonce. */
        nonce: number;

        /**
         * Creates a new Pong instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Pong instance
         */
        static create(properties: portmesh.Pong.$Shape): portmesh.Pong & portmesh.Pong.$Shape;
        static create(properties?: portmesh.Pong.$Properties): portmesh.Pong;

        /**
         * Encodes the specified Pong message. Does not implicitly {@link portmesh.Pong.verify|verify} messages.
         * @param m Pong message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.Pong.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.Pong & portmesh.Pong.$Shape} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.Pong & portmesh.Pong.$Shape;

        /**
         * Gets the type url for Pong
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Pong {

        /** Properties of a Pong. */
        interface $Properties {

            /** Pong nonce */
            nonce?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Pong. */
        type $Shape = portmesh.Pong.$Properties;
    }

    /**
     * Properties of a Control.
     * @deprecated Use portmesh.Control.$Properties instead.
     */
    interface IControl extends portmesh.Control.$Properties {
    }

    /** Represents a Control. */
    class Control {

        /**
         * Constructs a new Control.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.Control.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Control hello. */
        hello?: (portmesh.Hello.$Properties|null);

        /** Control advertisement. */
        advertisement?: (Uint8Array|null);

        /** Control ping. */
        ping?: (portmesh.Ping.$Properties|null);

        /** Control pong. */
        pong?: (portmesh.Pong.$Properties|null);

        /** Control kind. */
        kind?: ("hello"|"advertisement"|"ping"|"pong");

        /**
         * Creates a new Control instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Control instance
         */
        static create(properties: portmesh.Control.$Shape): portmesh.Control & portmesh.Control.$Shape;
        static create(properties?: portmesh.Control.$Properties): portmesh.Control;

        /**
         * Encodes the specified Control message. Does not implicitly {@link portmesh.Control.verify|verify} messages.
         * @param m Control message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.Control.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Control message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.Control & portmesh.Control.$Shape} Control
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.Control & portmesh.Control.$Shape;

        /**
         * Gets the type url for Control
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Control {

        /** Properties of a Control. */
        interface $Properties {

            /** Control hello */
            hello?: (portmesh.Hello.$Properties|null);

            /** Control advertisement */
            advertisement?: (Uint8Array|null);

            /** Control ping */
            ping?: (portmesh.Ping.$Properties|null);

            /** Control pong */
            pong?: (portmesh.Pong.$Properties|null);

            /** Control kind */
            kind?: ("hello"|"advertisement"|"ping"|"pong");

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Narrowed shape of a Control. */
        type $Shape = {
          hello?: portmesh.Hello.$Shape|null;
          advertisement?: Uint8Array|null;
          ping?: portmesh.Ping.$Shape|null;
          pong?: portmesh.Pong.$Shape|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ kind?: undefined; hello?: null; advertisement?: null; ping?: null; pong?: null }|{ kind?: "hello"; hello: portmesh.Hello.$Shape; advertisement?: null; ping?: null; pong?: null }|{ kind?: "advertisement"; hello?: null; advertisement: Uint8Array; ping?: null; pong?: null }|{ kind?: "ping"; hello?: null; advertisement?: null; ping: portmesh.Ping.$Shape; pong?: null }|{ kind?: "pong"; hello?: null; advertisement?: null; ping?: null; pong: portmesh.Pong.$Shape })
        );
    }

    /**
     * Properties of a TunnelHeader.
     * @deprecated Use portmesh.TunnelHeader.$Properties instead.
     */
    interface ITunnelHeader extends portmesh.TunnelHeader.$Properties {
    }

    /** Represents a TunnelHeader. */
    class TunnelHeader {

        /**
         * Constructs a new TunnelHeader.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.TunnelHeader.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** TunnelHeader routingKey. */
        routingKey: string;

        /** TunnelHeader destination. */
        destination: string;

        /** TunnelHeader hopLimit. */
        hopLimit: number;

        /** TunnelHeader connectionId. */
        connectionId: number;

        /** TunnelHeader ingress. */
        ingress: string;

        /** TunnelHeader issuedAt. */
        issuedAt: number;

        /** TunnelHeader nonce. */
        nonce: Uint8Array;

        /** TunnelHeader originProof. */
        originProof: Uint8Array;

        /** TunnelHeader e2eKey. */
        e2eKey: Uint8Array;

        /** TunnelHeader wantDestinationProof. */
        wantDestinationProof: boolean;

        /** TunnelHeader query. */
        query: number;

        /** TunnelHeader resumable. */
        resumable: boolean;

        /** TunnelHeader resume. */
        resume: boolean;

        /** TunnelHeader received. */
        received: number;

        /**
         * Creates a new TunnelHeader instance using the specified properties.
         * @param [properties] Properties to set
         * @returns TunnelHeader instance
         */
        static create(properties: portmesh.TunnelHeader.$Shape): portmesh.TunnelHeader & portmesh.TunnelHeader.$Shape;
        static create(properties?: portmesh.TunnelHeader.$Properties): portmesh.TunnelHeader;

        /**
         * Encodes the specified TunnelHeader message. Does not implicitly {@link portmesh.TunnelHeader.verify|verify} messages.
         * @param m TunnelHeader message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.TunnelHeader.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a TunnelHeader message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.TunnelHeader & portmesh.TunnelHeader.$Shape} TunnelHeader
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.TunnelHeader & portmesh.TunnelHeader.$Shape;

        /**
         * Gets the type url for TunnelHeader
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace TunnelHeader {

        /** Properties of a TunnelHeader. */
        interface $Properties {

            /** TunnelHeader routingKey */
            routingKey?: (string|null);

            /** TunnelHeader destination */
            destination?: (string|null);

            /** TunnelHeader hopLimit */
            hopLimit?: (number|null);

            /** TunnelHeader connectionId */
            connectionId?: (number|null);

            /** TunnelHeader ingress */
            ingress?: (string|null);

            /** TunnelHeader issuedAt */
            issuedAt?: (number|null);

            /** TunnelHeader nonce */
            nonce?: (Uint8Array|null);

            /** TunnelHeader originProof */
            originProof?: (Uint8Array|null);

            /** TunnelHeader e2eKey */
            e2eKey?: (Uint8Array|null);

            /** TunnelHeader wantDestinationProof */
            wantDestinationProof?: (boolean|null);

            /** TunnelHeader query */
            query?: (number|null);

            /** TunnelHeader resumable */
            resumable?: (boolean|null);

            /** TunnelHeader resume */
            resume?: (boolean|null);

            /** TunnelHeader received */
            received?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a TunnelHeader. */
        type $Shape = portmesh.TunnelHeader.$Properties;
    }

    /**
     * Properties of a FlowQuery.
     * @deprecated Use portmesh.FlowQuery.$Properties instead.
     */
    interface IFlowQuery extends portmesh.FlowQuery.$Properties {
    }

    /** Represents a FlowQuery. */
    class FlowQuery {

        /**
         * Constructs a new FlowQuery.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.FlowQuery.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FlowQuery key. */
        key: string;

        /** FlowQuery site. */
        site: string;

        /** FlowQuery sinceMs. */
        sinceMs: number;

        /** FlowQuery limit. */
        limit: number;

        /**
         * Creates a new FlowQuery instance using the specified properties.
         * @param [properties] Properties to set
         * @returns FlowQuery instance
         */
        static create(properties: portmesh.FlowQuery.$Shape): portmesh.FlowQuery & portmesh.FlowQuery.$Shape;
        static create(properties?: portmesh.FlowQuery.$Properties): portmesh.FlowQuery;

        /**
         * Encodes the specified FlowQuery message. Does not implicitly {@link portmesh.FlowQuery.verify|verify} messages.
         * @param m FlowQuery message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.FlowQuery.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FlowQuery message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.FlowQuery & portmesh.FlowQuery.$Shape} FlowQuery
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.FlowQuery & portmesh.FlowQuery.$Shape;

        /**
         * Gets the type url for FlowQuery
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace FlowQuery {

        /** Properties of a FlowQuery. */
        interface $Properties {

            /** FlowQuery key */
            key?: (string|null);

            /** FlowQuery site */
            site?: (string|null);

            /** FlowQuery sinceMs */
            sinceMs?: (number|null);

            /** FlowQuery limit */
            limit?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FlowQuery. */
        type $Shape = portmesh.FlowQuery.$Properties;
    }

    /**
     * Properties of a FlowAttemptMsg.
     * @deprecated Use portmesh.FlowAttemptMsg.$Properties instead.
     */
    interface IFlowAttemptMsg extends portmesh.FlowAttemptMsg.$Properties {
    }

    /** Represents a FlowAttemptMsg. */
    class FlowAttemptMsg {

        /**
         * Constructs a new FlowAttemptMsg.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.FlowAttemptMsg.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FlowAttemptMsg site. */
        site: string;

        /** FlowAttemptMsg peerId. */
        peerId: string;

        /** FlowAttemptMsg status. */
        status: string;

        /** FlowAttemptMsg reason. */
        reason: string;

        /**
         * Creates a new FlowAttemptMsg instance using the specified properties.
         * @param [properties] Properties to set
         * @returns FlowAttemptMsg instance
         */
        static create(properties: portmesh.FlowAttemptMsg.$Shape): portmesh.FlowAttemptMsg & portmesh.FlowAttemptMsg.$Shape;
        static create(properties?: portmesh.FlowAttemptMsg.$Properties): portmesh.FlowAttemptMsg;

        /**
         * Encodes the specified FlowAttemptMsg message. Does not implicitly {@link portmesh.FlowAttemptMsg.verify|verify} messages.
         * @param m FlowAttemptMsg message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.FlowAttemptMsg.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FlowAttemptMsg message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.FlowAttemptMsg & portmesh.FlowAttemptMsg.$Shape} FlowAttemptMsg
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.FlowAttemptMsg & portmesh.FlowAttemptMsg.$Shape;

        /**
         * Gets the type url for FlowAttemptMsg
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace FlowAttemptMsg {

        /** Properties of a FlowAttemptMsg. */
        interface $Properties {

            /** FlowAttemptMsg site */
            site?: (string|null);

            /** FlowAttemptMsg peerId */
            peerId?: (string|null);

            /** FlowAttemptMsg status */
            status?: (string|null);

            /** FlowAttemptMsg reason */
            reason?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FlowAttemptMsg. */
        type $Shape = portmesh.FlowAttemptMsg.$Properties;
    }

    /**
     * Properties of a FlowRecordMsg.
     * @deprecated Use portmesh.FlowRecordMsg.$Properties instead.
     */
    interface IFlowRecordMsg extends portmesh.FlowRecordMsg.$Properties {
    }

    /** Represents a FlowRecordMsg. */
    class FlowRecordMsg {

        /**
         * Constructs a new FlowRecordMsg.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.FlowRecordMsg.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FlowRecordMsg destination. */
        destination: boolean;

        /** FlowRecordMsg connectionId. */
        connectionId: number;

        /** FlowRecordMsg startMs. */
        startMs: number;

        /** FlowRecordMsg endMs. */
        endMs: number;

        /** FlowRecordMsg durationMs. */
        durationMs: number;

        /** FlowRecordMsg key. */
        key: string;

        /** FlowRecordMsg listener. */
        listener: string;

        /** FlowRecordMsg clientAddress. */
        clientAddress: string;

        /** FlowRecordMsg clientPort. */
        clientPort: number;

        /** FlowRecordMsg ingressSite. */
        ingressSite: string;

        /** FlowRecordMsg ingressPeer. */
        ingressPeer: string;

        /** FlowRecordMsg targetSite. */
        targetSite: string;

        /** FlowRecordMsg targetPeer. */
        targetPeer: string;

        /** FlowRecordMsg connector. */
        connector: string;

        /** FlowRecordMsg bytesIn. */
        bytesIn: number;

        /** FlowRecordMsg bytesOut. */
        bytesOut: number;

        /** FlowRecordMsg result. */
        result: string;

        /** FlowRecordMsg status. */
        status: string;

        /** FlowRecordMsg reason. */
        reason: string;

        /** FlowRecordMsg reforwarded. */
        reforwarded: portmesh.FlowAttemptMsg.$Properties[];

        /**
         * Creates a new FlowRecordMsg instance using the specified properties.
         * @param [properties] Properties to set
         * @returns FlowRecordMsg instance
         */
        static create(properties: portmesh.FlowRecordMsg.$Shape): portmesh.FlowRecordMsg & portmesh.FlowRecordMsg.$Shape;
        static create(properties?: portmesh.FlowRecordMsg.$Properties): portmesh.FlowRecordMsg;

        /**
         * Encodes the specified FlowRecordMsg message. Does not implicitly {@link portmesh.FlowRecordMsg.verify|verify} messages.
         * @param m FlowRecordMsg message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.FlowRecordMsg.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FlowRecordMsg message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.FlowRecordMsg & portmesh.FlowRecordMsg.$Shape} FlowRecordMsg
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.FlowRecordMsg & portmesh.FlowRecordMsg.$Shape;

        /**
         * Gets the type url for FlowRecordMsg
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace FlowRecordMsg {

        /** Properties of a FlowRecordMsg. */
        interface $Properties {

            /** FlowRecordMsg destination */
            destination?: (boolean|null);

            /** FlowRecordMsg connectionId */
            connectionId?: (number|null);

            /** FlowRecordMsg startMs */
            startMs?: (number|null);

            /** FlowRecordMsg endMs */
            endMs?: (number|null);

            /** FlowRecordMsg durationMs */
            durationMs?: (number|null);

            /** FlowRecordMsg key */
            key?: (string|null);

            /** FlowRecordMsg listener */
            listener?: (string|null);

            /** FlowRecordMsg clientAddress */
            clientAddress?: (string|null);

            /** FlowRecordMsg clientPort */
            clientPort?: (number|null);

            /** FlowRecordMsg ingressSite */
            ingressSite?: (string|null);

            /** FlowRecordMsg ingressPeer */
            ingressPeer?: (string|null);

            /** FlowRecordMsg targetSite */
            targetSite?: (string|null);

            /** FlowRecordMsg targetPeer */
            targetPeer?: (string|null);

            /** FlowRecordMsg connector */
            connector?: (string|null);

            /** FlowRecordMsg bytesIn */
            bytesIn?: (number|null);

            /** FlowRecordMsg bytesOut */
            bytesOut?: (number|null);

            /** FlowRecordMsg result */
            result?: (string|null);

            /** FlowRecordMsg status */
            status?: (string|null);

            /** FlowRecordMsg reason */
            reason?: (string|null);

            /** FlowRecordMsg reforwarded */
            reforwarded?: (portmesh.FlowAttemptMsg.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FlowRecordMsg. */
        type $Shape = portmesh.FlowRecordMsg.$Properties;
    }

    /**
     * Properties of a SitePairMsg.
     * @deprecated Use portmesh.SitePairMsg.$Properties instead.
     */
    interface ISitePairMsg extends portmesh.SitePairMsg.$Properties {
    }

    /** Represents a SitePairMsg. */
    class SitePairMsg {

        /**
         * Constructs a new SitePairMsg.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.SitePairMsg.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** SitePairMsg toPeer. */
        toPeer: string;

        /** SitePairMsg toSite. */
        toSite: string;

        /** SitePairMsg key. */
        key: string;

        /** SitePairMsg bytesIn. */
        bytesIn: number;

        /** SitePairMsg bytesOut. */
        bytesOut: number;

        /** SitePairMsg open. */
        open: number;

        /**
         * Creates a new SitePairMsg instance using the specified properties.
         * @param [properties] Properties to set
         * @returns SitePairMsg instance
         */
        static create(properties: portmesh.SitePairMsg.$Shape): portmesh.SitePairMsg & portmesh.SitePairMsg.$Shape;
        static create(properties?: portmesh.SitePairMsg.$Properties): portmesh.SitePairMsg;

        /**
         * Encodes the specified SitePairMsg message. Does not implicitly {@link portmesh.SitePairMsg.verify|verify} messages.
         * @param m SitePairMsg message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.SitePairMsg.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a SitePairMsg message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.SitePairMsg & portmesh.SitePairMsg.$Shape} SitePairMsg
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.SitePairMsg & portmesh.SitePairMsg.$Shape;

        /**
         * Gets the type url for SitePairMsg
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace SitePairMsg {

        /** Properties of a SitePairMsg. */
        interface $Properties {

            /** SitePairMsg toPeer */
            toPeer?: (string|null);

            /** SitePairMsg toSite */
            toSite?: (string|null);

            /** SitePairMsg key */
            key?: (string|null);

            /** SitePairMsg bytesIn */
            bytesIn?: (number|null);

            /** SitePairMsg bytesOut */
            bytesOut?: (number|null);

            /** SitePairMsg open */
            open?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a SitePairMsg. */
        type $Shape = portmesh.SitePairMsg.$Properties;
    }

    /**
     * Properties of a FlowAnswer.
     * @deprecated Use portmesh.FlowAnswer.$Properties instead.
     */
    interface IFlowAnswer extends portmesh.FlowAnswer.$Properties {
    }

    /** Represents a FlowAnswer. */
    class FlowAnswer {

        /**
         * Constructs a new FlowAnswer.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.FlowAnswer.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** FlowAnswer records. */
        records: portmesh.FlowRecordMsg.$Properties[];

        /** FlowAnswer truncated. */
        truncated: boolean;

        /** FlowAnswer pairs. */
        pairs: portmesh.SitePairMsg.$Properties[];

        /**
         * Creates a new FlowAnswer instance using the specified properties.
         * @param [properties] Properties to set
         * @returns FlowAnswer instance
         */
        static create(properties: portmesh.FlowAnswer.$Shape): portmesh.FlowAnswer & portmesh.FlowAnswer.$Shape;
        static create(properties?: portmesh.FlowAnswer.$Properties): portmesh.FlowAnswer;

        /**
         * Encodes the specified FlowAnswer message. Does not implicitly {@link portmesh.FlowAnswer.verify|verify} messages.
         * @param m FlowAnswer message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.FlowAnswer.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a FlowAnswer message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.FlowAnswer & portmesh.FlowAnswer.$Shape} FlowAnswer
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.FlowAnswer & portmesh.FlowAnswer.$Shape;

        /**
         * Gets the type url for FlowAnswer
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace FlowAnswer {

        /** Properties of a FlowAnswer. */
        interface $Properties {

            /** FlowAnswer records */
            records?: (portmesh.FlowRecordMsg.$Properties[]|null);

            /** FlowAnswer truncated */
            truncated?: (boolean|null);

            /** FlowAnswer pairs */
            pairs?: (portmesh.SitePairMsg.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a FlowAnswer. */
        type $Shape = portmesh.FlowAnswer.$Properties;
    }

    /**
     * Properties of a TunnelStatus.
     * @deprecated Use portmesh.TunnelStatus.$Properties instead.
     */
    interface ITunnelStatus extends portmesh.TunnelStatus.$Properties {
    }

    /** Represents a TunnelStatus. */
    class TunnelStatus {

        /**
         * Constructs a new TunnelStatus.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.TunnelStatus.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** TunnelStatus code. */
        code: portmesh.TunnelStatus.Code;

        /** TunnelStatus message. */
        message: string;

        /** TunnelStatus e2eKey. */
        e2eKey: Uint8Array;

        /** TunnelStatus destinationProof. */
        destinationProof: Uint8Array;

        /** TunnelStatus resumable. */
        resumable: boolean;

        /** TunnelStatus received. */
        received: number;

        /**
         * Creates a new TunnelStatus instance using the specified properties.
         * @param [properties] Properties to set
         * @returns TunnelStatus instance
         */
        static create(properties: portmesh.TunnelStatus.$Shape): portmesh.TunnelStatus & portmesh.TunnelStatus.$Shape;
        static create(properties?: portmesh.TunnelStatus.$Properties): portmesh.TunnelStatus;

        /**
         * Encodes the specified TunnelStatus message. Does not implicitly {@link portmesh.TunnelStatus.verify|verify} messages.
         * @param m TunnelStatus message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.TunnelStatus.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a TunnelStatus message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.TunnelStatus & portmesh.TunnelStatus.$Shape} TunnelStatus
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.TunnelStatus & portmesh.TunnelStatus.$Shape;

        /**
         * Gets the type url for TunnelStatus
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace TunnelStatus {

        /** Properties of a TunnelStatus. */
        interface $Properties {

            /** TunnelStatus code */
            code?: (portmesh.TunnelStatus.Code|null);

            /** TunnelStatus message */
            message?: (string|null);

            /** TunnelStatus e2eKey */
            e2eKey?: (Uint8Array|null);

            /** TunnelStatus destinationProof */
            destinationProof?: (Uint8Array|null);

            /** TunnelStatus resumable */
            resumable?: (boolean|null);

            /** TunnelStatus received */
            received?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a TunnelStatus. */
        type $Shape = portmesh.TunnelStatus.$Properties;

        /** Code enum. */
        enum Code {

            /** UNSPECIFIED value */
            UNSPECIFIED = 0,

            /** OK value */
            OK = 1,

            /** NO_ROUTE value */
            NO_ROUTE = 2,

            /** CONNECT_FAILED value */
            CONNECT_FAILED = 3,

            /** HOP_LIMIT value */
            HOP_LIMIT = 4,

            /** DENIED value */
            DENIED = 5,

            /** BAD_REQUEST value */
            BAD_REQUEST = 6,

            /** GONE value */
            GONE = 7
        }
    }

    /**
     * Properties of a Token.
     * @deprecated Use portmesh.Token.$Properties instead.
     */
    interface IToken extends portmesh.Token.$Properties {
    }

    /** Represents a Token. */
    class Token {

        /**
         * Constructs a new Token.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.Token.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Token version. */
        version: number;

        /** Token issuer. */
        issuer: string;

        /** Token addresses. */
        addresses: string[];

        /** Token grantId. */
        grantId: Uint8Array;

        /** Token secret. */
        secret: Uint8Array;

        /** Token expiresAt. */
        expiresAt: number;

        /** Token issuerSite. */
        issuerSite: string;

        /**
         * Creates a new Token instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Token instance
         */
        static create(properties: portmesh.Token.$Shape): portmesh.Token & portmesh.Token.$Shape;
        static create(properties?: portmesh.Token.$Properties): portmesh.Token;

        /**
         * Encodes the specified Token message. Does not implicitly {@link portmesh.Token.verify|verify} messages.
         * @param m Token message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.Token.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Token message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.Token & portmesh.Token.$Shape} Token
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.Token & portmesh.Token.$Shape;

        /**
         * Gets the type url for Token
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Token {

        /** Properties of a Token. */
        interface $Properties {

            /** Token version */
            version?: (number|null);

            /** Token issuer */
            issuer?: (string|null);

            /** Token addresses */
            addresses?: (string[]|null);

            /** Token grantId */
            grantId?: (Uint8Array|null);

            /** Token secret */
            secret?: (Uint8Array|null);

            /** Token expiresAt */
            expiresAt?: (number|null);

            /** Token issuerSite */
            issuerSite?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Token. */
        type $Shape = portmesh.Token.$Properties;
    }

    /**
     * Properties of a JoinRequest.
     * @deprecated Use portmesh.JoinRequest.$Properties instead.
     */
    interface IJoinRequest extends portmesh.JoinRequest.$Properties {
    }

    /** Represents a JoinRequest. */
    class JoinRequest {

        /**
         * Constructs a new JoinRequest.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.JoinRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** JoinRequest grantId. */
        grantId: Uint8Array;

        /** JoinRequest proof. */
        proof: Uint8Array;

        /** JoinRequest site. */
        site: string;

        /**
         * Creates a new JoinRequest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns JoinRequest instance
         */
        static create(properties: portmesh.JoinRequest.$Shape): portmesh.JoinRequest & portmesh.JoinRequest.$Shape;
        static create(properties?: portmesh.JoinRequest.$Properties): portmesh.JoinRequest;

        /**
         * Encodes the specified JoinRequest message. Does not implicitly {@link portmesh.JoinRequest.verify|verify} messages.
         * @param m JoinRequest message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.JoinRequest.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a JoinRequest message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.JoinRequest & portmesh.JoinRequest.$Shape} JoinRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.JoinRequest & portmesh.JoinRequest.$Shape;

        /**
         * Gets the type url for JoinRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace JoinRequest {

        /** Properties of a JoinRequest. */
        interface $Properties {

            /** JoinRequest grantId */
            grantId?: (Uint8Array|null);

            /** JoinRequest proof */
            proof?: (Uint8Array|null);

            /** JoinRequest site */
            site?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a JoinRequest. */
        type $Shape = portmesh.JoinRequest.$Properties;
    }

    /**
     * Properties of a JoinResponse.
     * @deprecated Use portmesh.JoinResponse.$Properties instead.
     */
    interface IJoinResponse extends portmesh.JoinResponse.$Properties {
    }

    /** Represents a JoinResponse. */
    class JoinResponse {

        /**
         * Constructs a new JoinResponse.
         * @param [p] Properties to set
         */
        constructor(p?: portmesh.JoinResponse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** JoinResponse code. */
        code: portmesh.JoinResponse.Code;

        /** JoinResponse message. */
        message: string;

        /** JoinResponse site. */
        site: string;

        /**
         * Creates a new JoinResponse instance using the specified properties.
         * @param [properties] Properties to set
         * @returns JoinResponse instance
         */
        static create(properties: portmesh.JoinResponse.$Shape): portmesh.JoinResponse & portmesh.JoinResponse.$Shape;
        static create(properties?: portmesh.JoinResponse.$Properties): portmesh.JoinResponse;

        /**
         * Encodes the specified JoinResponse message. Does not implicitly {@link portmesh.JoinResponse.verify|verify} messages.
         * @param m JoinResponse message or plain object to encode
         * @param [w] Writer to encode to
         * @returns Writer
         */
        static encode(m: portmesh.JoinResponse.$Properties, w?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a JoinResponse message from the specified reader or buffer.
         * @param r Reader or buffer to decode from
         * @param [l] Message length if known beforehand
         * @returns {portmesh.JoinResponse & portmesh.JoinResponse.$Shape} JoinResponse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(r: ($protobuf.Reader|Uint8Array), l?: number): portmesh.JoinResponse & portmesh.JoinResponse.$Shape;

        /**
         * Gets the type url for JoinResponse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace JoinResponse {

        /** Properties of a JoinResponse. */
        interface $Properties {

            /** JoinResponse code */
            code?: (portmesh.JoinResponse.Code|null);

            /** JoinResponse message */
            message?: (string|null);

            /** JoinResponse site */
            site?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a JoinResponse. */
        type $Shape = portmesh.JoinResponse.$Properties;

        /** Code enum. */
        enum Code {

            /** UNSPECIFIED value */
            UNSPECIFIED = 0,

            /** OK value */
            OK = 1,

            /** UNKNOWN value */
            UNKNOWN = 2,

            /** EXPIRED value */
            EXPIRED = 3,

            /** USED value */
            USED = 4,

            /** BAD_PROOF value */
            BAD_PROOF = 5,

            /** BUSY value */
            BUSY = 6,

            /** REVOKED value */
            REVOKED = 7
        }
    }
}
