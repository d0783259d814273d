"""Runs the SAM translator (the one cfn-lint uses, as `sam deploy` would before CloudFormation sees the template) on
template.yaml with the parameter values on the command line (Name=Value), and prints one line per finding.
Test helper for ReleaseIdTest and TemplateTest. Modes:

  versions             the AWS::Lambda::Version logical ids (ReleaseIdTest compares them across deploys)
  deletion-policies    each version's DeletionPolicy
  dead-letter-senders  for each dead-letter queue of a schedule or a rule: "<sender> -> <queue>: allowed by <what>",
                       or "... : NOT ALLOWED" when neither the schedule's role nor the queue's policy lets it send
"""
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


def transformed(template_file, assignments):
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    with open(template_file, encoding="utf-8") as source:
        # sam deploy uploads the zip and puts its S3 location there before the transform runs
        template = yaml_parse(source.read().replace("CodeUri: target/function.zip", "CodeUri: s3://artifacts/function.zip"))
    parameters = {"AWS::Region": "eu-west-3", "AWS::Partition": "aws", "AWS::AccountId": "123456789012",
                  "AWS::StackName": "release-id-test"}
    parameters.update(assignment.split("=", 1) for assignment in assignments)
    return transform(template, parameters, NoManagedPolicies())["Resources"]


def queue_of(arn):
    """The logical id of a queue named by {"Fn::GetAtt": [id, "Arn"]}, or the value itself."""
    if isinstance(arn, dict) and "Fn::GetAtt" in arn and arn["Fn::GetAtt"][1] == "Arn":
        return arn["Fn::GetAtt"][0]
    return repr(arn)


def as_list(value):
    return value if isinstance(value, list) else [value]


def role_sends_to(role, queue):
    for policy in role.get("Properties", {}).get("Policies", []):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            if (statement.get("Effect") == "Allow" and "sqs:SendMessage" in as_list(statement.get("Action"))
                    and {"Fn::GetAtt": [queue, "Arn"]} in as_list(statement.get("Resource"))):
                return True
    return False


def queue_policy_lets(resources, queue, rule):
    for name, resource in resources.items():
        if resource["Type"] != "AWS::SQS::QueuePolicy" or {"Ref": queue} not in resource["Properties"]["Queues"]:
            continue
        for statement in as_list(resource["Properties"]["PolicyDocument"]["Statement"]):
            source = statement.get("Condition", {}).get("ArnEquals", {}).get("aws:SourceArn")
            if (statement.get("Effect") == "Allow" and statement.get("Principal") == {"Service": "events.amazonaws.com"}
                    and "sqs:SendMessage" in as_list(statement.get("Action"))
                    and {"Fn::GetAtt": [queue, "Arn"]} in as_list(statement.get("Resource"))
                    and source == {"Fn::GetAtt": [rule, "Arn"]}):
                return name
    return None


def dead_letter_senders(resources):
    for name in sorted(resources):
        resource = resources[name]
        if resource["Type"] == "AWS::Scheduler::Schedule":
            target = resource["Properties"]["Target"]
            if "DeadLetterConfig" not in target:
                print(f"{name} -> (none): NO DEAD-LETTER QUEUE")
                continue
            queue = queue_of(target["DeadLetterConfig"]["Arn"])
            role = target["RoleArn"]["Fn::GetAtt"][0]
            allowed = role_sends_to(resources[role], queue)
            print(f"{name} -> {queue}: " + (f"allowed by {role}" if allowed else "NOT ALLOWED"))
        elif resource["Type"] == "AWS::Events::Rule":
            for target in resource["Properties"]["Targets"]:
                if "DeadLetterConfig" not in target:
                    print(f"{name} -> (none): NO DEAD-LETTER QUEUE")
                    continue
                queue = queue_of(target["DeadLetterConfig"]["Arn"])
                policy = queue_policy_lets(resources, queue, name)
                print(f"{name} -> {queue}: " + (f"allowed by {policy}" if policy else "NOT ALLOWED"))


def main(mode, template_file, assignments):
    resources = transformed(template_file, assignments)
    if mode == "dead-letter-senders":
        dead_letter_senders(resources)
        return
    for logical_id in sorted(name for name, resource in resources.items() if resource["Type"] == "AWS::Lambda::Version"):
        if mode == "deletion-policies":
            print(resources[logical_id].get("DeletionPolicy", "Delete (CloudFormation's default)"))
        else:
            print(logical_id)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
