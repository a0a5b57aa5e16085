#!/usr/bin/env bash
# Offline plans of a pull request for each stack, judged by the guard rails in force: the
# BASE branch's policy pack and policy config, built from the base checkout, applied by the
# base branch's own plan tool (the PR's program is planned from the base checkout with
# --program), as Pulumi Cloud's policy groups keep enforced packs outside the change they
# judge. Run the base branch's copy of this script (pr-plan.yml does), so that a pull request
# cannot change how it is judged; what remains is the workflow file, which CODEOWNERS guards. The PR's own
# pack and config are planned too, for information: the comment lists how they differ
# (rules, levels, knobs, the rules' code), and a difference that loosens them, or that no
# plan can rank, fails the check. Compared with the base branch's plans, rendered as one PR
# comment (plan-comment.md), the violations as SARIF per stack (pr-<stack>.sarif) for
# GitHub code scanning. Needs no cloud credentials.
#
#   <base>/scripts/pr-plan.sh <base-checkout-dir> <out-dir> [stack ...]   (cwd: the PR's checkout)
#
# Without stacks, it plans every stack of the pull request's stacks.yaml (a pull request that
# adds a stack has it planned). A stack's rails in force are the base branch's policy config for
# it (the base's stacks.yaml); a stack the base does not list yet is judged by the base's pack at
# its defaults, and its own config is compared with them.
#
# Exit status: 0 when no stack has a mandatory violation, a replacement of a protected
# resource, loosened guard rails or a cost increase over the rails' threshold; 1 otherwise;
# 2 on errors.
set -uo pipefail
base_dir=${1:?usage: pr-plan.sh <base-checkout-dir> <out-dir> [stack ...]}
out_dir=${2:?usage: pr-plan.sh <base-checkout-dir> <out-dir> [stack ...]}
shift 2
mkdir -p "$out_dir" || exit 2
out_dir=$(cd "$out_dir" && pwd) || exit 2
base_dir=$(cd "$base_dir" && pwd) || exit 2
pr_dir=$(pwd)
base_tool=(env PATH="$base_dir/node_modules/.bin:$PATH" node -r "$base_dir/plan/transpile.js" "$base_dir/plan/src/run.ts")
# The base's plan tool reads stack lists (stacks.yaml) when it has --list-stacks.
base_lists=false
if grep -q -- '--list-stacks' "$base_dir/plan/src/cli.ts" 2>/dev/null; then base_lists=true; fi
# The pull request's stacks.yaml, read once (by the base's tool when it lists stacks): its
# names are the stacks to plan, and its entries are compared with the base's below.
pr_stacks_json=
if [ $# -gt 0 ]; then
  stacks=("$@")
else
  if [ "$base_lists" = true ]; then
    pr_stacks_json=$("${base_tool[@]}" --program "$pr_dir" --list-stacks --json) &&
      listed=$(node -e 'for (const s of JSON.parse(process.argv[1])) console.log(s.name)' "$pr_stacks_json")
  else
    listed=$(npm run plan --silent -- --list-stacks)
  fi || { echo "pr-plan: the pull request's stacks.yaml cannot be read (see above)" >&2; exit 2; }
  mapfile -t stacks <<< "$listed"
fi
# The pack's defaults, as a policy config: a stack the base branch does not list is judged by them.
echo '{}' > "$out_dir/pack-defaults.json"
base_stacks_json=
if [ "$base_lists" = true ] && [ -f "$base_dir/stacks.yaml" ]; then
  base_stacks_json=$("${base_tool[@]}" --program "$base_dir" --list-stacks --json) || { echo "pr-plan: the base branch's stacks.yaml cannot be read" >&2; exit 2; }
fi
# The base branch's policy config for a stack: its file, "defaults", or nothing when the base does not list it.
base_policy_config() { node -e 'const e = JSON.parse(process.argv[1]).find((s) => s.name === process.argv[2]); process.stdout.write(e ? e.policyConfig : "")' "$base_stacks_json" "$1"; }
comment="$out_dir/plan-comment.md"
echo "<!-- ml-pipeline-plan -->" > "$comment"
echo "## Offline plan" >> "$comment"
status=0
# 1 (violations, loosened rails) unless something already failed harder; any other failure
# (2, a crash, a kill: npm passes 127 or 137 through) is 2, never a pass.
worse() { if [ "$1" -eq 1 ]; then [ "$status" -eq 0 ] && status=1; elif [ "$1" -ne 0 ]; then status=2; fi; return 0; }
# The stack list is a guard rail too: a pull request that drops a stack the base branch lists
# (which would then never be judged) or turns a stack's approval off loosens it; any other
# change of an entry (its account, its policy config file) is shown for review.
if [ -n "$pr_stacks_json" ] && [ -n "$base_stacks_json" ]; then
  list_changes=$(node -e '
    const [base, pr] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
    for (const b of base) {
      const p = pr.find((s) => s.name === b.name);
      if (!p) { console.log(`loosens\t\`${b.name}\`: removed from stacks.yaml, so no pull request would judge it again`); continue; }
      if (b.approval && !p.approval) console.log(`loosens\t\`${b.name}\`: approval true -> false (its deploys would no longer wait for a reviewer)`);
      for (const k of ["account", "policyConfig"]) if (b[k] !== p[k]) console.log(`changes\t\`${b.name}\`: ${k} ${JSON.stringify(b[k])} -> ${JSON.stringify(p[k])}`);
    }
    for (const p of pr) if (!base.some((b) => b.name === p.name)) console.log(`changes\t\`${p.name}\`: added (judged by the base branch\x27s pack, at its defaults unless the base has policies/config/${p.name}.json)`);
  ' "$base_stacks_json" "$pr_stacks_json") || exit 2
  if [ -n "$list_changes" ]; then
    { echo "### stacks.yaml"; echo; } >> "$comment"
    while IFS=$'\t' read -r effect line; do
      if [ "$effect" = loosens ]; then echo "- ❌ $line: loosens the guard rails" >> "$comment"; worse 1; else echo "- $line" >> "$comment"; fi
    done <<< "$list_changes"
    echo >> "$comment"
  fi
fi
for stack in "${stacks[@]}"; do
  compare=()
  # The base branch may predate the plan; then the PR's plan stands alone. A base with
  # violations (exit 1) still wrote its plan: compare with it, so the PR shows what it fixes.
  # It runs while the PR's own rails are planned below (two independent plans, two cores).
  base_code=none
  base_pid=
  if [ -f "$base_dir/plan/src/cli.ts" ]; then
    echo "pr-plan: $stack: planning the base branch" >&2
    (cd "$base_dir" && npm run plan --silent -- --stack "$stack" --json --quiet > "$out_dir/base-$stack.json") &
    base_pid=$!
  fi
  # The guard rails in force: the base branch's pack (and its config for this stack, which the
  # plan finds in the pack's config/), applied by the base branch's plan tool when it has
  # --proposed; otherwise (a base before this check) the PR's own tool and rails. The base's
  # tool runs from the PR's checkout, so that paths (SARIF locations) are the PR's.
  judge=(npm run plan --silent --)
  rails=()
  if [ -f "$base_dir/policies/PulumiPolicy.yaml" ] && grep -q -- '--proposed' "$base_dir/plan/src/cli.ts" 2>/dev/null; then
    judge=("${base_tool[@]}")
    rails=(--program "$pr_dir" --policy-pack "$base_dir/policies")
    if [ -n "$base_stacks_json" ]; then
      base_config=$(base_policy_config "$stack")
      case "$base_config" in
        "") if [ -f "$base_dir/policies/config/$stack.json" ]; then
              echo "pr-plan: $stack: the base branch does not list this stack; it is judged by the base's policies/config/$stack.json" >&2
              rails+=(--policy-pack-config "$base_dir/policies/config/$stack.json")
            else
              echo "pr-plan: $stack: the base branch does not list this stack; it is judged by the base's policy pack at its defaults" >&2
              rails+=(--policy-pack-config "$out_dir/pack-defaults.json")
            fi ;;
        defaults) rails+=(--policy-pack-config "$out_dir/pack-defaults.json") ;;
        *) rails+=(--policy-pack-config "$base_dir/$base_config") ;;
      esac
    elif [ -f "$base_dir/policies/config/$stack.json" ]; then
      rails+=(--policy-pack-config "$base_dir/policies/config/$stack.json")
    fi
    # The PR's own rails, for information, also applied by the base's tool: the PR's pack and
    # config are read as data (its code is hashed by the base's tool, not by the PR's). A tool
    # with --proposed-policy-pack judges the one evaluation of the PR's program by both packs,
    # the PR's with the config of the PR's stacks.yaml; an older one plans it a second time.
    if grep -q -- '--proposed-policy-pack' "$base_dir/plan/src/cli.ts"; then
      rails+=(--proposed-policy-pack "$pr_dir/policies")
    else
      own=(--program "$pr_dir" --policy-pack "$pr_dir/policies")
      if [ "$base_lists" != true ] && [ -f "$pr_dir/policies/config/$stack.json" ]; then own+=(--policy-pack-config "$pr_dir/policies/config/$stack.json"); fi
      echo "pr-plan: $stack: planning the pull request under its own policy pack and config (for the guard-rails comparison)" >&2
      "${base_tool[@]}" --stack "$stack" --json --quiet "${own[@]}" > "$out_dir/own-rails-$stack.json"
      own_code=$?
      if [ "$own_code" -le 1 ]; then
        rails+=(--proposed "$out_dir/own-rails-$stack.json")
      else
        echo "the PR's own policy pack or config does not plan $stack (exit $own_code)" >&2
        worse 2
      fi
    fi
  else
    echo "the base branch cannot judge $stack by its guard rails (no pack, or a plan tool without --proposed); it is judged by the PR's own" >&2
  fi
  if [ -n "$base_pid" ]; then
    wait "$base_pid"
    base_code=$?
  fi
  if [ "$base_code" = 0 ] || [ "$base_code" = 1 ]; then
    compare=(--compare "$out_dir/base-$stack.json")
  else
    echo "base plan for $stack unavailable (exit $base_code); showing the PR's plan alone" >&2
  fi
  echo "pr-plan: $stack: planning the pull request under the guard rails in force (and its own, for the comparison)" >&2
  "${judge[@]}" --stack "$stack" --json --quiet --sarif "$out_dir/pr-$stack.sarif" --markdown-file "$out_dir/pr-$stack.md" "${rails[@]}" "${compare[@]}" > "$out_dir/pr-$stack.json"
  code=$?
  if [ -f "$out_dir/pr-$stack.md" ]; then cat "$out_dir/pr-$stack.md" >> "$comment"; else echo "### ❌ \`$stack\`: the plan could not run (exit $code); see the workflow log" >> "$comment"; fi
  echo >> "$comment"
  worse "$code"
done
exit "$status"
