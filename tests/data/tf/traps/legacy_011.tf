# Terraform 0.11 style: interpolation-only strings, quoted types, list attributes.
variable "count_of_instances" {
  default = "2"
}

resource "aws_instance" "legacy" {
  count         = "${var.count_of_instances}"
  ami           = "${lookup(var.amis, var.region)}"
  instance_type = "t2.micro"
  tags {
    Name = "legacy-${count.index}"
  }
}
