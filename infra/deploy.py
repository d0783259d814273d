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
With --guided, SAM CLI asks and saves the answers and prepares a change set it does not execute; the script then
deploys the saved answers under the ReleaseId they give.
Standard library only (Python 3.11+ for tomllib).
"""
import argparse
import hashlib
import os
import json
import re
import shutil
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
    """The parameters SAM CLI reads from one argument (or one parameter_overrides string). Refused when SAM CLI would
    read less than all of it: it silently drops what its pattern does not match (a bare "cron(0 4 * * ? *)")."""
    normalized = " " + argument.strip()
    pattern = _EXPLICIT if _EXPLICIT.findall(normalized) else _SHORT
    pairs = pattern.findall(normalized)
    if not pairs:
        raise SystemExit(f"SAM CLI would refuse this parameter override: {argument!r}")
    dropped = pattern.sub("", normalized).strip()
    if dropped:
        read = ", ".join(f"{_unquote(name)}={_unquote(value)!r}" for name, value in pairs)
        raise SystemExit(f"SAM CLI would read {argument!r} as {read} and drop {dropped!r}: put the value in double"
                         f' quotes (Name="value with spaces")')
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
    """The stack this deploy goes to: --stack-name among the sam options (either form), else the config file's."""
    for at, option in enumerate(sam_options):
        if option.startswith("--stack-name="):
            return option.partition("=")[2]
        if option == "--stack-name" and at + 1 < len(sam_options):
            return sam_options[at + 1]
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


def template_parameters(template_file):
    """The names of the template's Parameters (read from its top-level Parameters block, two-space indented keys)."""
    names, inside = [], False
    with open(template_file, encoding="utf-8") as template:
        for line in template:
            if re.match(r"^[A-Za-z]", line):
                inside = line.startswith("Parameters:")
                continue
            key = re.match(r"^  ([A-Za-z0-9]+):\s*(#.*)?$", line)
            if inside and key:
                names.append(key.group(1))
    if "ReleaseId" not in names or "ScalingoApiTokenSecretArn" not in names:
        raise SystemExit(f"could not read the Parameters of {template_file} (each written as '  Name:' on its own line)")
    return names


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", default=os.path.join(HERE, "samconfig.toml"))
    parser.add_argument("--config-env", default="default")
    parser.add_argument("--artifact", default=os.path.join(ROOT, "target", "function.zip"))
    parser.add_argument("--template-file", default=os.path.join(ROOT, "template.yaml"))
    parser.add_argument("--guided", action="store_true",
                        help="let sam deploy ask for the settings and save them, then deploy what was answered")
    parser.add_argument("--print-release-id", action="store_true", help="print the ReleaseId and stop")
    parser.add_argument("--print-command", action="store_true", help="print the sam command (JSON) and stop")
    parser.add_argument("--sam", default="sam", help="the SAM CLI command to run (default: sam)")
    parser.add_argument("parameters", nargs="*", metavar="Name=Value")
    if "--" in argv:
        split = argv.index("--")
        arguments, sam_options = argv[:split], argv[split + 1:]
    else:
        arguments, sam_options = argv, []
    options = parser.parse_args(arguments)
    # SAM CLI runs from the project's root (below): the same files whatever directory this script is run from.
    options.config_file = os.path.abspath(options.config_file)
    options.template_file = os.path.abspath(options.template_file)
    options.artifact = os.path.abspath(options.artifact)
    if any(option.split("=", 1)[0] == "--parameter-overrides" for option in sam_options):
        raise SystemExit("--parameter-overrides among the sam options would replace every value this script hands SAM"
                         " (ReleaseId included): give them as Name=Value before --")

    if not os.path.isfile(options.artifact):
        raise SystemExit(f"{options.artifact} does not exist: build it first with ./mvnw -B package")
    given = dict(parse_assignment(item) for item in options.parameters)
    if options.guided and not options.print_release_id:
        return guided(options, given, sam_options)
    parameters = checked(options, configured_parameters(options.config_file, options.config_env), given, sam_options)
    if options.print_release_id:
        print(parameters["ReleaseId"])
        return 0
    command = sam_command(options, parameters, sam_options, guided=False)
    if options.print_command:
        print(json.dumps(command))
        return 0
    resolve_sam(options)
    command = sam_command(options, parameters, sam_options, guided=False)
    print("ReleaseId", parameters["ReleaseId"], file=sys.stderr)
    return subprocess.call(command, cwd=ROOT)


def checked(options, configured, given, sam_options):
    """The parameters a deploy hands SAM (the file's, then the command line's), ReleaseId included; refused when the
    stack name or the token secret could not work."""
    stack = stack_name(options.config_file, options.config_env, sam_options)
    if stack and len(stack) > MAX_STACK_NAME:
        raise SystemExit(f"the stack name {stack!r} has {len(stack)} characters: at most {MAX_STACK_NAME}, or the"
                         f" schedule {stack}-cleanup-stale-daily is longer than EventBridge Scheduler's 64")
    parameters = dict(configured)
    for name in sorted(set(given) - set(parameters) - {"ReleaseId"}):
        print(f"note: {name} is not in {options.config_file}: the stack keeps the value given now after this deploy"
              " (CloudFormation reuses a parameter's previous value); add it to parameter_overrides to keep it known",
              file=sys.stderr)
    parameters.update(given)
    token_secret = parameters.get("ScalingoApiTokenSecretArn", "")
    if ":123456789012:" in token_secret:
        raise SystemExit("ScalingoApiTokenSecretArn is the documentation's example (account 123456789012): give your"
                         " secret's ARN (docs/deploy.md, step 1)")
    if not token_secret and not options.print_release_id:
        raise SystemExit("ScalingoApiTokenSecretArn is not set: run with --guided the first time, or give"
                         " ScalingoApiTokenSecretArn=arn:aws:secretsmanager:... (docs/deploy.md, step 1)")
    parameters["ReleaseId"] = release_id(options.artifact, options.template_file, parameters)
    return parameters


def guided(options, given, sam_options):
    """--guided: SAM CLI asks, saves the answers and prepares a change set it does not execute; the deploy then runs
    on the saved answers, under the ReleaseId they give (one computed before the prompts would miss what they
    changed, and a stack that already has that id publishes no new version)."""
    for option in sam_options:
        if option.split("=", 1)[0] in ("--stack-name", "--region", "--config-env", "--config-file"):
            raise SystemExit(f"{option.split('=', 1)[0]} with --guided: answer it at SAM CLI's prompt (this script"
                             " deploys what the prompts saved)")
    configured = configured_parameters(options.config_file, options.config_env)
    if "ScalingoApiTokenSecretArn" in configured:
        # A deployment was made with this file: a parameter the stack holds but the file does not would be offered at
        # the template's default, not at the stack's value, and one Enter would change it (CertificateSecretPrefix
        # moving the rotation off its secrets, say).
        missing = sorted(set(template_parameters(options.template_file)) - set(configured) - set(given) - {"ReleaseId"})
        if missing:
            raise SystemExit("--guided on a deployed stack would offer the template's default, not the stack's value,"
                             f" for {', '.join(missing)} (not in {options.config_file}): give each as Name=Value with"
                             " the stack's value (aws cloudformation describe-stacks shows them; for"
                             " CertificateSecretPrefix, scalingo-certs/ on a stack first deployed when that was the"
                             " default), or deploy without --guided")
    parameters = dict(configured)
    parameters.update(given)
    # SAM's prompt needs a valid ReleaseId; the deploy below computes the real one.
    parameters["ReleaseId"] = release_id(options.artifact, options.template_file, parameters)
    if not options.print_command:
        resolve_sam(options)
    command = sam_command(options, parameters, sam_options, guided=True) + ["--no-execute-changeset"]
    if options.print_command:
        print(json.dumps(command))
        return 0
    before = env_settings(options.config_file)
    status = subprocess.call(command, cwd=ROOT)
    if status != 0:
        return status
    after = env_settings(options.config_file)
    if after.get(options.config_env) == before.get(options.config_env):
        changed = sorted(env for env in after if after[env] != before.get(env))
        if changed:
            raise SystemExit(f"nothing deployed: the answers were saved under [{changed[0]}], not [{options.config_env}]:"
                             f" run python3 infra/deploy.py --config-env {changed[0]}")
        raise SystemExit(f"nothing deployed: the answers were not saved to {options.config_file} under"
                         f" [{options.config_env}]: answer Y to saving them and keep the file name and environment SAM CLI"
                         " offers, or give the values as Name=Value without --guided")
    stack = stack_name(options.config_file, options.config_env, sam_options)
    if stack and len(stack) > MAX_STACK_NAME:
        raise SystemExit(f"nothing deployed: the stack name {stack!r} has {len(stack)} characters, at most"
                         f" {MAX_STACK_NAME}. Delete the empty stack SAM CLI prepared (aws cloudformation delete-stack"
                         f" --stack-name {stack}) and run --guided again with a shorter name")
    print("Deploying the saved answers (the change set above was not executed). SAM CLI asks again to confirm if"
          " confirm_changeset is set", file=sys.stderr)
    parameters = checked(options, configured_parameters(options.config_file, options.config_env), {}, sam_options)
    print("ReleaseId", parameters["ReleaseId"], file=sys.stderr)
    return subprocess.call(sam_command(options, parameters, sam_options, guided=False), cwd=ROOT)


def env_settings(config_file):
    """Each config environment's settings, to tell which one --guided saved its answers under."""
    with open(config_file, "rb") as config:
        return {name: value for name, value in tomllib.load(config).items() if isinstance(value, dict)}


def resolve_sam(options):
    """SAM CLI as a path this script can run from the project's root, or a plain message when it is missing."""
    found = shutil.which(options.sam) if os.sep not in options.sam else os.path.abspath(options.sam)
    if not found or not os.access(found, os.X_OK):
        raise SystemExit(f"SAM CLI ({options.sam}) was not found: install it"
                         " (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html)")
    options.sam = found


def sam_command(options, parameters, sam_options, guided):
    command = [options.sam, "deploy", "--config-file", options.config_file, "--config-env", options.config_env,
               "--template-file", options.template_file,
               "--parameter-overrides", *[sam_quote(name, value) for name, value in parameters.items()]]
    if guided:
        command.append("--guided")
    return command + sam_options


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
