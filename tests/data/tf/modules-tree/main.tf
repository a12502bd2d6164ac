# Our own fixture: a root calling local, nested and registry modules.
provider "aws" {
  region = "eu-west-1"
}

module "network" {
  source = "./modules/network"
  cidr   = "10.0.0.0/16"
}

module "cluster" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"
}

module "karpenter" {
  source = "terraform-aws-modules/eks/aws//modules/karpenter"
}

module "queue_from_git" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-sqs.git?ref=v4.0.0"
}

module "unknown_remote" {
  source = "git::https://example.com/infra/private-modules.git//thing"
}

module "missing" {
  source = "./modules/not-here"
}

module "ping" {
  source = "./modules/ping"
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_s3_bucket" "logs" {
  for_each = toset(["a", "b"])
  bucket   = "logs-${each.key}-${random_id.suffix.hex}"
}

data "aws_caller_identity" "me" {}
