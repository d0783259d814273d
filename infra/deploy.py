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

Parameter values come from the config file's parameter_overrides (a list, or the one string --guided saves),
then from Name=Value arguments (which win; an empty value is a value). Each is handed to SAM CLI quoted, as its
parser reads it back. CloudFormation keeps a parameter's last value when a deploy leaves it out (SAM CLI sends
UsePreviousValue), so a value given once on the command line stays on the stack: keep lasting values in the file.
Standard library only (Python 3.11+ for tomllib).
"""
import argparse
import hashlib
import os
import json
import re
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# How SAM CLI reads each --parameter-overrides argument and samconfig.toml's parameter_overrides (samcli/cli/types.py,
# CfnParameterOverridesType): "ParameterKey=K,ParameterValue=V" pairs if there are any, else " K=V" pairs, where V is
# double-quoted, single-quoted or bare (up to a space or a quote); the wrapping quotes are removed and "\ ", "\"" and
# "\'" unescaped. A bare "cron(0 4 * * ? *)" is read as "cron(0": every value this script hands SAM is quoted.
_KEY = r"""([A-Za-z0-9"']+)"""
_VALUE = r"""("(?:\\.|[^"\\]+)*"|'(?:\\.|[^'\\]+)*'|(?:\\.|[^ "\\]+)+)"""
_EXPLICIT = re.compile(r"(?:ParameterKey=" + _KEY + r",ParameterValue=" + _VALUE + r")")
_SHORT = re.compile(r"(?:(?: )" + _KEY + r"=" + _VALUE + r")")
_NAME = re.compile(r"[A-Za-z0-9]+")


def _unquote(text):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.replace("\\ ", " ").replace('\\"', '"').replace("\\'", "'")


def sam_read(argument):
    """The parameters SAM CLI reads from one argument (or one parameter_overrides string)."""
    normalized = " " + argument.strip()
    pattern = _EXPLICIT if _EXPLICIT.findall(normalized) else _SHORT
    pairs = pattern.findall(normalized)
    if not pairs:
        raise SystemExit(f"SAM CLI would refuse this parameter override: {argument!r}")
    return {_unquote(name): _unquote(value) for name, value in pairs}


def sam_quote(name, value):
    """One Name="value" argument that SAM CLI reads back as exactly this name and value (empty values included)."""
    if not _NAME.fullmatch(name):
        raise SystemExit(f"not a CloudFormation parameter name: {name!r}")
    if "\\" in value or "\n" in value or "\r" in value:
        # SAM CLI unescapes only "\ ", "\"" and "\'", so some values with a backslash cannot reach it intact.
        raise SystemExit(f"{name}: a value with a backslash or a line break cannot be passed to SAM CLI intact")
    argument = name + '="' + value.replace('"', '\\"') + '"'
    if sam_read(argument) != {name: value}:
        raise SystemExit(f"{name}: the value {value!r} would not reach SAM CLI intact")
    return argument


def configured_parameters(config_file, environment="default"):
    """parameter_overrides as SAM CLI reads them: a list of arguments, or one string (what --guided saves)."""
    with open(config_file, "rb") as config:
        settings = tomllib.load(config)
    overrides = settings.get(environment, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    parameters = {}
    for item in [overrides] if isinstance(overrides, str) else overrides:
        if item.strip():
            parameters.update(sam_read(item))
    return parameters


def parse_assignment(text):
    """A Name=Value argument of this script, as the shell left it: everything after the first "=" is the value."""
    name, separator, value = text.partition("=")
    if not separator or not _NAME.fullmatch(name):
        raise SystemExit(f"not a Name=Value parameter: {text!r}")
    return name, value


# Names made from the stack's: "<stack>-cleanup-stale-daily" (an EventBridge Scheduler schedule) is the longest
# and may have 64 characters.
MAX_STACK_NAME = 64 - len("-cleanup-stale-daily")


def stack_name(config_file, environment, sam_options):
    """The stack this deploy goes to: --stack-name among the sam options, else the config file's."""
    if "--stack-name" in sam_options and sam_options.index("--stack-name") + 1 < len(sam_options):
        return sam_options[sam_options.index("--stack-name") + 1]
    with open(config_file, "rb") as config:
        settings = tomllib.load(config).get(environment, {})
    for section in ("deploy", "global"):
        name = settings.get(section, {}).get("parameters", {}).get("stack_name")
        if name:
            return name
    return None


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
    parser.add_argument("--print-command", action="store_true", help="print the sam command (JSON) and stop")
    parser.add_argument("parameters", nargs="*", metavar="Name=Value")
    if "--" in argv:
        split = argv.index("--")
        arguments, sam_options = argv[:split], argv[split + 1:]
    else:
        arguments, sam_options = argv, []
    options = parser.parse_args(arguments)

    if not os.path.isfile(options.artifact):
        raise SystemExit(f"{options.artifact} does not exist: build it first with ./mvnw -B package")
    stack = stack_name(options.config_file, options.config_env, sam_options)
    if stack and len(stack) > MAX_STACK_NAME:
        raise SystemExit(f"the stack name {stack!r} has {len(stack)} characters: at most {MAX_STACK_NAME}, or the"
                         f" schedule {stack}-cleanup-stale-daily is longer than EventBridge Scheduler's 64")
    parameters = configured_parameters(options.config_file, options.config_env)
    given = dict(parse_assignment(item) for item in options.parameters)
    for name in sorted(set(given) - set(parameters) - {"ReleaseId"}):
        print(f"note: {name} is not in {options.config_file}: the stack keeps the value given now after this deploy"
              " (CloudFormation reuses a parameter's previous value); add it to parameter_overrides to keep it known",
              file=sys.stderr)
    parameters.update(given)
    token_secret = parameters.get("ScalingoApiTokenSecretArn", "")
    if ":123456789012:" in token_secret:
        raise SystemExit("ScalingoApiTokenSecretArn is the documentation's example (account 123456789012): give your"
                         " secret's ARN (docs/deploy.md, step 1)")
    if not token_secret and not options.guided and not options.print_release_id:
        raise SystemExit("ScalingoApiTokenSecretArn is not set: run with --guided the first time, or give"
                         " ScalingoApiTokenSecretArn=arn:aws:secretsmanager:... (docs/deploy.md, step 1)")
    parameters["ReleaseId"] = release_id(options.artifact, options.template_file, parameters)
    if options.print_release_id:
        print(parameters["ReleaseId"])
        return 0

    command = ["sam", "deploy", "--config-file", options.config_file, "--config-env", options.config_env,
               "--template-file", options.template_file,
               "--parameter-overrides", *[sam_quote(name, value) for name, value in parameters.items()]]
    if options.guided:
        command.append("--guided")
    command.extend(sam_options)
    if options.print_command:
        print(json.dumps(command))
        return 0
    print("ReleaseId", parameters["ReleaseId"], file=sys.stderr)
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
