#!/usr/bin/env python3
"""Where one thread's time goes over the corpus: `perf record` on `exportfix check --threads 1`, self time grouped
into the stages of a file's cost. Run after `bash bench/run.sh` (it needs target/release/exportfix and
target/bench-work/corpus), e.g.

    python3 bench/profile.py                                    # default settings
    python3 bench/profile.py --max-file-size 0 --check-syntax   # every file parsed, no size limit

Prints a Markdown table: stage, share of the samples, and its main symbols. Needs `perf` (linux-tools).
"""

import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "bench-work")
EXPORTFIX = os.environ.get("EXPORTFIX", os.path.join(ROOT, "target", "release", "exportfix"))

# First match wins: a symbol (or the object it is in) against a pattern, in this order.
STAGES = [
    ("page faults and zeroing (kernel)", r"clear_page|do_anonymous_page|handle_mm_fault|__handle_mm_fault|"
                                         r"do_user_addr_fault|exc_page_fault|asm_exc_page_fault|alloc_pages|"
                                         r"get_page_from_freelist|rmqueue|__memcg|lru_|folio|zap_|unmap_"),
    ("reading files (kernel)", r"copy_user|filemap_|vfs_read|ksys_read|__x64_sys_read|do_sys_open|path_|"
                               r"link_path_walk|walk_component|lookup_|dput|__d_lookup|getdents|statx|"
                               r"do_filp_open|__fput|iterate_dir|ext4_|btrfs_|xfs_"),
    ("other kernel", r"^\[k\]|entry_SYSCALL|syscall_|__schedule|native_|_raw_spin|irq"),
    ("dropping trees", r"drop_in_place"),
    ("allocator", r"mi_|_mi_|mimalloc|malloc|free|realloc|memmove|memcpy|memset"),
    ("pre-filter", r"prefilter|memchr|memmem"),
    ("resolver", r"resolver|Resolver|hygiene|Mark::|SyntaxContext|apply_mark|VisitMut"),
    # The read-only passes over the tree: the gates before and after resolution, the loop pass, the resolver's cost
    # estimate and the scope queries (swc's generated `Visit` code, monomorphised for each of them).
    ("read-only tree passes", r"swc_ecma_visit|VisitWith|visit_children_with|Visit>"),
    ("export model (gate, walk, rules)", r"exportfix_transforms::(model|rules|apply)"),
    ("lexer", r"lexer|Lexer|Tokens|read_token|skip_space|ident|atom|Atom|hstr|string_cache"),
    ("parser", r"swc_ecma_parser|Parser|parse_"),
    ("walk, read, report (CLI)", r"exportfix::|ignore::|walkdir|globset|similar|serde"),
]


def main():
    arguments = sys.argv[1:]
    with tempfile.TemporaryDirectory() as scratch:
        data = os.path.join(scratch, "perf.data")
        command = [EXPORTFIX, "check", "--threads", "1", "--no-ignore", "--format", "json", *arguments, "corpus"]
        subprocess.run(["perf", "record", "-q", "-F", "2000", "-o", data, "--", *command], cwd=WORK,
                       stdout=subprocess.DEVNULL, check=False)
        report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "sym", "--stdio",
                                 "-q", "--percent-limit", "0"], capture_output=True, text=True, check=True).stdout
    shares = collections.defaultdict(float)
    tops = collections.defaultdict(list)
    for line in report.splitlines():
        found = re.match(r"\s*([\d.]+)%\s+(\[.\])\s+(.*)", line)
        if not found:
            continue
        share, kind, symbol = float(found.group(1)), found.group(2), found.group(3).strip()
        name = f"{kind} {symbol}" if kind == "[k]" else symbol
        stage = next((stage for stage, pattern in STAGES if re.search(pattern, name)), "other")
        shares[stage] += share
        if len(tops[stage]) < 3 and share >= 0.5:
            tops[stage].append(f"`{symbol[:60]}` {share:.1f} %")
    print(f"`exportfix check --threads 1 {' '.join(arguments)}` over the corpus, self time by stage:\n")
    print("| stage | share | largest symbols |")
    print("|---|---:|---|")
    for stage, share in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"| {stage} | {share:.1f} % | {', '.join(tops[stage])} |")


if __name__ == "__main__":
    main()
