resource "aws_sqs_queue" "dead_letters" {
  name = "orders-dlq"
}

resource "aws_s3_bucket" "archive" {
  bucket = "orders-archive"
}

resource "aws_cloudwatch_log_group" "orders" {
  name = "/aws/lambda/orders"
}
