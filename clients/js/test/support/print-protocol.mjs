// Prints the client's protocol tables as one JSON line, for Tests/Gateway.Tests/ProtocolFactsTests.cs to compare
// with the gateway's, the AsyncAPI document's and docs/protocol.md.
import { CLOSE_CODES, SOURCES, STATUSES, TERMINAL_CODES } from '../../src/index.js';
import { SESSION_STATUSES } from '../../src/session-state.js';

console.log(JSON.stringify({ closeCodes: CLOSE_CODES, terminalCodes: TERMINAL_CODES, statuses: STATUSES, sources: SOURCES, sessionStatuses: SESSION_STATUSES }));
