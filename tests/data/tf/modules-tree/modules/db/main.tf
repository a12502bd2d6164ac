variable "subnet" {
  type = string
}

resource "aws_db_instance" "main" {
  engine         = "postgres"
  engine_version = "16.3"
  instance_class = "db.t4g.micro"
}

resource "aws_db_subnet_group" "main" {
  subnet_ids = [var.subnet]
}
