resource "aws_s3_bucket" "before" {
  bucket = "before"
}

resource "aws_s3_bucket" "half" {
  bucket =
}

resource "aws_dynamodb_table" "after" {
  name = "after"
}
