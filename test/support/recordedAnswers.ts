/**
 * A referee's answers recorded for the next run: answers that depend only on the question and
 * on what is installed (a validator's verdict on a definition, a compiler's reading of the
 * SDK's declarations) are kept under node_modules/.cache/ml-pipeline/<store>/ (gone with
 * every `npm ci`), so that a warm run reads them instead of asking again. A record is found by
 * the question and by everything else the answer can depend on: the installed packages (the
 * lockfile npm writes in node_modules, which moves with every version of every package), the
 * Node version, this file's text and what the caller names (the asking code's own text,
 * versions, options). A changed question, package or asking code finds no record, and the
 * referee is asked. A question is compared as its JSON text: a caller whose questions can
 * hold undefined members (which JSON leaves out) asks about that text (support/asl.ts).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const PROJECT_DIR = path.join(__dirname, "..", "..");

const sha256 = (...parts: (string | Buffer)[]) => {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 32);
};

/** What is installed: the lockfile npm writes in node_modules (else the project's), read once per process. */
let installedDigest: string | undefined;
function installed(): string {
  if (installedDigest === undefined) {
    const lockfile = [path.join(PROJECT_DIR, "node_modules", ".package-lock.json"), path.join(PROJECT_DIR, "package-lock.json")].find((f) => fs.existsSync(f));
    installedDigest = sha256(lockfile ? fs.readFileSync(lockfile) : "(no lockfile)");
  }
  return installedDigest;
}

export class RecordedAnswers {
  private readonly dir: string;
  private pruned = false;

  /**
   * @param store the records' directory under node_modules/.cache/ml-pipeline
   * @param dependsOn what else every answer depends on (the asking code's text, versions, options), besides what is installed
   */
  constructor(store: string, dependsOn: unknown) {
    // This file's own text and the Node version count too: how records are found and what runs the referee.
    this.dir = path.join(PROJECT_DIR, "node_modules", ".cache", "ml-pipeline", store, sha256(installed(), fs.readFileSync(__filename, "utf8"), process.version, JSON.stringify(dependsOn)));
  }

  /** The recorded answer to `question`, or `ask()`'s, recorded. `question` is compared as its JSON text. */
  answer<T>(question: unknown, ask: () => T): T {
    const file = path.join(this.dir, `${sha256(JSON.stringify(question))}.json`);
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
      // not recorded yet (or removed meanwhile by a run with other packages): ask
    }
    const answer = ask();
    this.record(file, answer);
    return answer;
  }

  private record(file: string, answer: unknown): void {
    try {
      if (!this.pruned) {
        // Records made with other packages or other asking code are never read again.
        const storeDir = path.dirname(this.dir);
        if (fs.existsSync(storeDir)) for (const old of fs.readdirSync(storeDir)) if (old !== path.basename(this.dir)) fs.rmSync(path.join(storeDir, old), { recursive: true, force: true });
        fs.mkdirSync(this.dir, { recursive: true });
        this.pruned = true;
      }
      // Written whole, then renamed: a concurrent reader sees the record or nothing.
      const partial = `${file}.${process.pid}`;
      fs.writeFileSync(partial, JSON.stringify(answer));
      fs.renameSync(partial, file);
    } catch {
      // an unwritable cache: the referee is asked every time
    }
  }
}
