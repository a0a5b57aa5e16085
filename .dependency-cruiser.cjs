/**
 * The structure the three packages keep, checked by dependency-cruiser
 * (`npx depcruise index.ts components stacks workflow lib policies plan tools`;
 * test/architecture.test.ts runs it):
 *
 *   the program   index.ts → components → workflow → lib → stacks
 *   the pack      policies/: self-contained; others use only its public entry (api.ts)
 *   the plan      plan/: the pack's public entry and the Pulumi SDK, never the program
 *
 * No cycles anywhere, no import from a lower layer up to a higher one.
 */
const PROGRAM = "^(index\\.ts$|components/|workflow/|lib/|stacks/)";
// The pack's public entry, as TypeScript source or as the compiled module the package exports.
const PACK_ENTRY = "^policies/(bin/)?api\\.(ts|js|d\\.ts)$";

/** `from` (a path pattern) may not import any of `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: "error", from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A cycle makes a module's meaning depend on load order; shared types go in a module of their own.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "resolvable",
      comment: "Every import resolves (to a file, a package or a Node built-in).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    forbid("pack-is-self-contained", "The pack runs on any program: it imports nothing of this repository outside policies/.", "^policies/", "^(?!policies/|node_modules/)[^/]+/|^index\\.ts$"),
    {
      name: "pack-only-by-its-public-entry",
      comment: "The program and the plan use the pack as another repository would: `ml-pipeline-policies`, its api.ts.",
      severity: "error",
      from: { pathNot: "^policies/" },
      to: { path: "^policies/", pathNot: PACK_ENTRY },
    },
    forbid("pack-code-never-imports-its-tests", "What the pack runs is what the plan hashes as its code; its top-level tests are left out of that hash.", "^policies/(?!test/)", "^policies/(test|__tests__)/"),
    forbid("plan-never-imports-the-program", "The plan runs any program; this one is only one of them.", "^plan/", PROGRAM),
    forbid("package-tests-stand-alone", "The pack's and the plan's tests run from their own package: nothing of the root tests.", "^(policies|plan)/", "^test/"),
    forbid("pack-never-imports-the-plan", "The plan depends on the pack, not the other way round.", "^policies/", "^plan/"),
    forbid("program-never-imports-the-plan", "The program deploys; the plan only evaluates it.", PROGRAM, "^plan/"),
    forbid("stacks-is-the-bottom-layer", "The stack schema and model know nothing of what is built from them.", "^stacks/", "^(lib|workflow|components)/|^index\\.ts$"),
    forbid("lib-below-workflow", "Shared helpers serve the workflow and the components, never the reverse.", "^lib/", "^(workflow|components)/|^index\\.ts$"),
    forbid("workflow-below-components", "The workflow definition is pure: components declare it, it declares nothing.", "^workflow/", "^components/|^index\\.ts$"),
    forbid("components-below-the-entry", "Components are composed by index.ts, never the reverse.", "^components/", "^index\\.ts$"),
  ],
  options: {
    // The pack's build (policies/bin) is where `ml-pipeline-policies` resolves: seen, not followed.
    doNotFollow: { path: ["node_modules", "^policies/bin/"] },
    exclude: { path: "node_modules/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Resolve `ml-pipeline-policies` to the workspace's source entry (the symlink's target) so
    // that the rules above see which pack module is used.
    preserveSymlinks: false,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["types", "require", "default"], extensions: [".ts", ".js", ".d.ts"] },
  },
};
