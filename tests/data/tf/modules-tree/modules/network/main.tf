variable "cidr" {
  type = string
}

locals {
  vpc_id = aws_vpc.this.id
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = local.vpc_id
  cidr_block = cidrsubnet(var.cidr, 8, count.index)
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.this.id

  dynamic "ingress" {
    for_each = [80, 443]
    content {
      from_port = ingress.value
      to_port   = ingress.value
      protocol  = "tcp"
    }
  }
}

module "db" {
  source = "../db"
  subnet = aws_subnet.private[0].id
}
