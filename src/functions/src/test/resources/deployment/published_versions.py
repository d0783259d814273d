"""Prints, one per line, the AWS::Lambda::Version logical ids the SAM translator gives template.yaml for the
parameter values on the command line (Name=Value). Test helper: ReleaseIdTest compares them across deploys.
With --deletion-policy first, prints each version's DeletionPolicy instead."""
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


def main(template_file, assignments, deletion_policy=False):
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    with open(template_file, encoding="utf-8") as source:
        # sam deploy uploads the zip and puts its S3 location there before the transform runs
        template = yaml_parse(source.read().replace("CodeUri: target/function.zip", "CodeUri: s3://artifacts/function.zip"))
    parameters = {"AWS::Region": "eu-west-3", "AWS::Partition": "aws", "AWS::AccountId": "123456789012",
                  "AWS::StackName": "release-id-test"}
    parameters.update(assignment.split("=", 1) for assignment in assignments)
    resources = transform(template, parameters, NoManagedPolicies())["Resources"]
    for logical_id in sorted(name for name, resource in resources.items() if resource["Type"] == "AWS::Lambda::Version"):
        print(resources[logical_id].get("DeletionPolicy", "Delete (CloudFormation's default)") if deletion_policy else logical_id)


if __name__ == "__main__":
    if sys.argv[1] == "--deletion-policy":
        main(sys.argv[2], sys.argv[3:], deletion_policy=True)
    else:
        main(sys.argv[1], sys.argv[2:])
