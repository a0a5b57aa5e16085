/**
 * `npm run docs`: renders every generated block of the docs again and writes the pages
 * that changed. test/docs.test.ts checks that the committed pages are what this renders.
 */
import * as fs from "fs";
import * as path from "path";
import { configurationBlock } from "./configuration";
import { GeneratedBlock, PROJECT_DIR, withBlock } from "./generated";
import { knobsBlock, rulesBlock } from "./readme";

export const GENERATED_BLOCKS: GeneratedBlock[] = [rulesBlock, knobsBlock, configurationBlock];

/** Each page that has generated blocks, with its blocks rendered again. */
export function renderedPages(): Map<string, { current: string; rendered: string }> {
  const pages = new Map<string, { current: string; rendered: string }>();
  for (const block of GENERATED_BLOCKS) {
    const page = pages.get(block.file) ?? { current: fs.readFileSync(path.join(PROJECT_DIR, block.file), "utf8"), rendered: "" };
    page.rendered = withBlock(page.rendered || page.current, block);
    pages.set(block.file, page);
  }
  return pages;
}

if (require.main === module) {
  for (const [file, { current, rendered }] of renderedPages()) {
    if (rendered === current) {
      process.stdout.write(`${file}: up to date\n`);
    } else {
      fs.writeFileSync(path.join(PROJECT_DIR, file), rendered);
      process.stdout.write(`${file}: regenerated\n`);
    }
  }
}
