/**
 * The generated parts of the docs: each lives between a begin and an end marker in a
 * hand-written page, so that prose stays editable and the tables cannot drift from the code.
 * `npm run docs` (tools/docs/index.ts) rewrites every block; test/docs.test.ts fails when a
 * committed page differs from what its generator renders.
 */
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** A generated block of a page: its markers name the block and what it is generated from. */
export interface GeneratedBlock {
  /** The page, relative to the project directory. */
  file: string;
  name: string;
  /** What the block is rendered from, said in its begin marker. */
  source: string;
  render(): string;
}

export function beginMarker(b: Pick<GeneratedBlock, "name" | "source">): string {
  return `<!-- ${b.name}:begin (generated from ${b.source} by \`npm run docs\`) -->`;
}

export function endMarker(b: Pick<GeneratedBlock, "name">): string {
  return `<!-- ${b.name}:end -->`;
}

/** The page's text with the block rendered again; throws when the page lacks the markers. */
export function withBlock(text: string, b: GeneratedBlock): string {
  const begin = beginMarker(b);
  const end = endMarker(b);
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${b.file} has no ${begin} … ${end} block`);
  return text.slice(0, start) + [begin, b.render(), end].join("\n") + text.slice(stop + end.length);
}

/** A markdown table cell: pipes escaped, no line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}
