// The same CPU work every time (JSON, a regular expression, SHA-256, as the suite does them),
// timed: run on each core just before a measured `npm test`, it shows how fast the machine was
// then. A shared VM's speed varies from minute to minute, and the suite's time moves with it.
"use strict";
const crypto = require("crypto");
const start = process.hrtime.bigint();
const doc = { items: Array.from({ length: 2000 }, (_, i) => ({ i, s: "x".repeat(i % 50), n: [i, i * 2] })) };
let digest = "";
for (let k = 0; k < 800; k++) {
  const text = JSON.stringify(doc);
  JSON.parse(text);
  text.replace(/x+/g, (m) => String(m.length));
  digest = crypto.createHash("sha256").update(text + digest).digest("hex");
}
process.stdout.write(`${Number(process.hrtime.bigint() - start) / 1e9}\n`);
