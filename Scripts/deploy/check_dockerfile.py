#!/usr/bin/env python3
"""Checks that the Dockerfile's runtime stage and Scripts/verify-runtime-root install the same
packages, and that the image takes no secrets. Python standard library only.

    Scripts/deploy/check_dockerfile.py [--dockerfile PATH] [--packages PATH] [--print-packages]

The runtime stage (the last FROM) must:
  - start from a Debian bookworm image (the suite the verification root debootstraps);
  - COPY deploy/runtime-packages.txt and install exactly that file's packages, with
    `apt-get install -y --no-install-recommends $(sed -e 's/#.*//' FILE)`, and nothing else by
    name: no other apt-get/dpkg install anywhere in the stage;
  - run as a non-root USER, with ENTRYPOINT ["mood"] and CMD ["worker"].
No stage may COPY or ADD a .env file. --print-packages prints the list (one a line), which
Scripts/verify-runtime-root installs, so both read the file through this one parser.
Exit status 1 with one line per problem.
"""

import argparse
import json
import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = "deploy/runtime-packages.txt"
SUITE = "bookworm"
# The install line the runtime stage must use, with FILE being where it copied the list.
INSTALL = "apt-get install -y --no-install-recommends $(sed -e 's/#.*//' {file})"
PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def read_packages(path):
    """The package names of runtime-packages.txt, in order; errors for bad lines."""
    names, errors = [], []
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 1 or not PACKAGE_NAME.match(words[0]):
            errors.append(f"{path}:{number}: expected one package name a line, got {line.strip()!r}")
            continue
        if words[0] in names:
            errors.append(f"{path}:{number}: {words[0]} is listed twice")
        names.append(words[0])
    if not names and not errors:
        errors.append(f"{path}: no packages")
    return names, errors


def instructions(text):
    """[(line number, KEYWORD, arguments)] with continuation lines joined and comments dropped."""
    out, buffer, start = [], "", None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue                                  # a comment inside a continued instruction
        if start is None:
            start = number
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        buffer += stripped
        keyword, _, arguments = buffer.partition(" ")
        out.append((start, keyword.upper(), arguments.strip()))
        buffer, start = "", None
    if buffer:
        keyword, _, arguments = buffer.partition(" ")
        out.append((start, keyword.upper(), arguments.strip()))
    return out


def expand(value, args):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), value)


def check(dockerfile, packages_path):
    """Problems found (strings), and the package list."""
    packages, problems = read_packages(packages_path)
    items = instructions(Path(dockerfile).read_text())
    global_args, stages = {}, []
    for number, keyword, arguments in items:
        if keyword == "ARG" and not stages:
            name, _, default = arguments.partition("=")
            global_args[name.strip()] = default.strip()
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((number, keyword, arguments))
        if keyword in ("COPY", "ADD"):
            sources = [w for w in shlex.split(arguments) if not w.startswith("--")][:-1]
            for source in sources:
                if re.search(r"(^|/)\.env(\.|$)", source) or source in (".", "./", "*"):
                    problems.append(f"{dockerfile}:{number}: {keyword} {source} may copy a .env file or "
                                    f"other secrets into the image: copy named paths only")
    if not stages:
        return problems + [f"{dockerfile}: no FROM"], packages
    runtime = stages[-1]
    base = expand(runtime[0][2].split()[0], global_args)
    if not re.match(rf"^(docker\.io/)?(library/)?debian:{SUITE}(-slim)?(@.*)?$", base):
        problems.append(f"{dockerfile}:{runtime[0][0]}: the runtime stage starts from {base!r}, not debian:{SUITE}-slim "
                        f"(Scripts/verify-runtime-root debootstraps {SUITE})")

    list_copies = [shlex.split(a)[-1] for _, k, a in runtime if k == "COPY" and PACKAGES in shlex.split(a)]
    if not list_copies:
        problems.append(f"{dockerfile}: the runtime stage does not COPY {PACKAGES}")
    expected = {INSTALL.format(file=f) for f in list_copies}
    installs = 0
    for number, keyword, arguments in runtime:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", arguments):
            command = " ".join(command.split())
            if re.search(r"\bapt(-get)?\b.*\binstall\b|\bdpkg\b.*(-i|--install)\b|\baptitude\b", command):
                if command.removeprefix("export DEBIAN_FRONTEND=noninteractive ").strip() in expected:
                    installs += 1
                else:
                    problems.append(f"{dockerfile}:{number}: the runtime stage installs packages other than "
                                    f"{PACKAGES}'s: {command!r}; install with exactly "
                                    f"{INSTALL.format(file=list_copies[0] if list_copies else 'FILE')!r}")
    if list_copies and installs != 1:
        problems.append(f"{dockerfile}: the runtime stage must install {PACKAGES} exactly once "
                        f"({INSTALL.format(file=list_copies[0])!r}); found {installs}")

    users = [(n, a) for n, k, a in runtime if k == "USER"]
    if not users or users[-1][1].split(":")[0] in ("root", "0"):
        problems.append(f"{dockerfile}: the runtime stage must end as a non-root USER")

    def exec_form(keyword):
        values = [a for _, k, a in runtime if k == keyword]
        try:
            return json.loads(values[-1]) if values else None
        except json.JSONDecodeError:
            return values[-1]
    if exec_form("ENTRYPOINT") != ["mood"]:
        problems.append(f'{dockerfile}: the runtime stage needs ENTRYPOINT ["mood"]')
    if exec_form("CMD") != ["worker"]:
        problems.append(f'{dockerfile}: the runtime stage needs CMD ["worker"]')
    return problems, packages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dockerfile", default=str(REPO / "Dockerfile"))
    parser.add_argument("--packages", default=str(REPO / PACKAGES))
    parser.add_argument("--print-packages", action="store_true")
    args = parser.parse_args(argv)
    problems, packages = check(args.dockerfile, args.packages)
    for problem in problems:
        print(f"check_dockerfile: {problem}", file=sys.stderr)
    if problems:
        return 1
    if args.print_packages:
        print("\n".join(packages))
    else:
        print(f"check_dockerfile: the runtime stage installs exactly {PACKAGES}: {' '.join(packages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
