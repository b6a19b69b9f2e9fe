/**
 * Child process of the bench: the sink and echo servers every path ends at.
 * In their own process so that the bench's clients and the servers do not
 * share one thread (a sink that waits for the client's writes would slow the
 * last hop's writes and make every path look slower than it is), and so that
 * their CPU is counted apart. Prints {"sink":PORT,"echo":PORT} and runs until
 * killed.
 */
import { echoServer, sinkServer } from './load.js'

const sink = await sinkServer()
const echo = await echoServer()
process.stdout.write(JSON.stringify({ sink: sink.port, echo: echo.port }) + '\n')
