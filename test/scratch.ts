import { runProgram } from "../tools/mockEngine";
import { readStackFiles } from "../tools/stackFiles";
(async () => {
  for (const stack of ["dev", "prod"]) {
    const f = readStackFiles(".", stack);
    const t = Date.now();
    const r = await runProgram({ programDir: ".", project: f.project, stack, config: f.config });
    console.log(stack, r.resources.length, Date.now() - t, "ms", JSON.stringify(r.outputs));
    for (const x of r.resources) console.log("  ", x.urn, x.parent?.split("::").pop(), JSON.stringify(x.options));
  }
  const f = readStackFiles(".", "prod");
  const r = await runProgram({ programDir: ".", project: f.project, stack: "prod", config: f.config, firstPreview: true });
  console.log(JSON.stringify(r.resources.find(x => x.type.includes("RolePolicy"))?.inputs).slice(0, 300));
  console.log(JSON.stringify(r.resources.find(x => x.type.includes("EndpointConfiguration"))?.inputs).slice(0, 600));
})().catch(e => { console.error("ERR", e.message); });
