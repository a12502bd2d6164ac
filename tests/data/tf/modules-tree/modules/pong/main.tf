module "ping" {
  source = "../ping"
}

resource "aws_sns_topic" "pong" {
  name = "pong"
}
