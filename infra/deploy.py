#!/usr/bin/env python3
"""Deploys the stack with a ReleaseId that changes whenever the code or a parameter changes.

SAM's AutoPublishAlias names each function version from a hash of the code location and the template's
*unresolved* properties, so a redeploy that changes only a parameter (CleanupDryRun, ScalingoApiUrl, the token
secret...) would publish no new version and leave the `live` alias on the old configuration. template.yaml feeds
the ReleaseId parameter to every function's AutoPublishCodeSha256, which then alone names the versions; this script
computes it from the artifact's bytes, the template's and the parameter values the deploy will use, then runs
`sam deploy` with them.

    python3 infra/deploy.py [--guided] [Name=Value ...] [-- other sam deploy options]
    python3 infra/deploy.py --print-release-id [Name=Value ...]

Parameter values come from the config file's parameter_overrides, then from Name=Value arguments (which win).
Standard library only (Python 3.11+ for tomllib).
"""
import argparse
import hashlib
import os
import shlex
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def configured_parameters(config_file, environment="default"):
    with open(config_file, "rb") as config:
        settings = tomllib.load(config)
    overrides = settings.get(environment, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    if isinstance(overrides, str):
        overrides = shlex.split(overrides)
    return dict(parse_assignment(item) for item in overrides)


def parse_assignment(text):
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise SystemExit(f"not a Name=Value parameter: {text!r}")
    if not value:
        # SAM CLI refuses Name= ("is not in valid format"): leave the parameter out to keep its default.
        raise SystemExit(f"{name} has an empty value: leave it out to keep the template's default")
    return name, value


def release_id(artifact, template, parameters):
    digest = hashlib.sha256()
    for path in (artifact, template):
        with open(path, "rb") as content:
            for block in iter(lambda: content.read(1 << 20), b""):
                digest.update(block)
    for name in sorted(parameters):
        if name != "ReleaseId":
            digest.update(f"\n{name}={parameters[name]}".encode("utf-8"))
    return digest.hexdigest()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", default=os.path.join(HERE, "samconfig.toml"))
    parser.add_argument("--config-env", default="default")
    parser.add_argument("--artifact", default=os.path.join(ROOT, "target", "function.zip"))
    parser.add_argument("--template-file", default=os.path.join(ROOT, "template.yaml"))
    parser.add_argument("--guided", action="store_true", help="let sam deploy ask for what is missing")
    parser.add_argument("--print-release-id", action="store_true", help="print the ReleaseId and stop")
    parser.add_argument("parameters", nargs="*", metavar="Name=Value")
    if "--" in argv:
        split = argv.index("--")
        arguments, sam_options = argv[:split], argv[split + 1:]
    else:
        arguments, sam_options = argv, []
    options = parser.parse_args(arguments)

    if not os.path.isfile(options.artifact):
        raise SystemExit(f"{options.artifact} does not exist: build it first with ./mvnw -B package")
    parameters = configured_parameters(options.config_file, options.config_env)
    parameters.update(parse_assignment(item) for item in options.parameters)
    parameters["ReleaseId"] = release_id(options.artifact, options.template_file, parameters)
    if options.print_release_id:
        print(parameters["ReleaseId"])
        return 0

    command = ["sam", "deploy", "--config-file", options.config_file, "--config-env", options.config_env,
               "--template-file", options.template_file,
               "--parameter-overrides", *[f"{name}={value}" for name, value in parameters.items()]]
    if options.guided:
        command.append("--guided")
    command.extend(sam_options)
    print("ReleaseId", parameters["ReleaseId"], file=sys.stderr)
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
