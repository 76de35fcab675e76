// npm run bench:list: row (i) of `npm run bench` alone — the bot's start-up build of the whole
// contact list against ITFlow sending it in one request — against the fake ITFlow at 50k, or a
// real one: BENCH_ITFLOW_URL=http://127.0.0.1:8090 BENCH_ITFLOW_KEY=… npm run bench:list
import { runListBuild } from "./scenarios/memory.js";
import { renderTable, renderVerdicts } from "./table.js";

const result = await runListBuild();
process.stdout.write(`${renderTable(result.rows)}\n\n${renderVerdicts(result.verdicts)}\n`);
