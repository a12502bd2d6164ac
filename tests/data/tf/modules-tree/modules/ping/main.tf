# ping and pong call each other: the reader must stop, not loop.
module "pong" {
  source = "../pong"
}

resource "aws_sqs_queue" "ping" {
  name = "ping"
}
