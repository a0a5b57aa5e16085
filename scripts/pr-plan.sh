#!/usr/bin/env bash
# Offline plans of a pull request for each stack, compared with the base branch's plans,
# rendered as one PR comment (plan-comment.md), and the violations as SARIF per stack
# (pr-<stack>.sarif) for GitHub code scanning. Needs no cloud credentials.
#
#   scripts/pr-plan.sh <base-checkout-dir> <out-dir> [stack ...]
#
# Exit status: 0 when no stack has a mandatory violation or a replacement of a protected
# resource, 1 otherwise, 2 on errors.
set -uo pipefail
base_dir=${1:?usage: pr-plan.sh <base-checkout-dir> <out-dir> [stack ...]}
out_dir=${2:?usage: pr-plan.sh <base-checkout-dir> <out-dir> [stack ...]}
shift 2
if [ $# -eq 0 ]; then stacks=(dev prod); else stacks=("$@"); fi
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
comment="$out_dir/plan-comment.md"
echo "<!-- ml-pipeline-plan -->" > "$comment"
echo "## Offline plan" >> "$comment"
status=0
for stack in "${stacks[@]}"; do
  compare=()
  # The base branch may predate the plan; then the PR's plan stands alone. A base with
  # violations (exit 1) still wrote its plan: compare with it, so the PR shows what it fixes.
  base_code=none
  if [ -f "$base_dir/tools/plan/cli.ts" ]; then
    (cd "$base_dir" && npm run plan --silent -- --stack "$stack" --json --quiet > "$out_dir/base-$stack.json")
    base_code=$?
  fi
  if [ "$base_code" = 0 ] || [ "$base_code" = 1 ]; then
    compare=(--compare "$out_dir/base-$stack.json")
  else
    echo "base plan for $stack unavailable (exit $base_code); showing the PR's plan alone" >&2
  fi
  npm run plan --silent -- --stack "$stack" --json --quiet --sarif "$out_dir/pr-$stack.sarif" "${compare[@]}" > "$out_dir/pr-$stack.json"
  code=$?
  npm run plan --silent -- --stack "$stack" --markdown --quiet "${compare[@]}" >> "$comment"
  echo >> "$comment"
  if [ "$code" -eq 2 ]; then status=2; elif [ "$code" -eq 1 ] && [ "$status" -eq 0 ]; then status=1; fi
done
exit "$status"
