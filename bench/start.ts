// npm run bench:start: row (f) of `npm run bench` alone — `npm start` to "Slack connected", warm and
// right after a source edit — without building the 50k-contact world the other rows need.
import { runStartTime } from "./scenarios/start-time.js";
import { renderTable, renderVerdicts } from "./table.js";

const result = await runStartTime();
process.stdout.write(`${renderTable(result.rows)}\n\n${renderVerdicts(result.verdicts)}\n`);
