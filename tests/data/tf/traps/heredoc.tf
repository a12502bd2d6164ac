# Heredoc whose closing marker has trailing spaces (python-hcl2 rejects it; Terraform reads it).
resource "aws_iam_policy" "heredoc" {
  name   = "heredoc"
  policy = <<EOF
{"Version": "2012-10-17"}
EOF   
}

resource "aws_sqs_queue" "after_heredoc" {
  name = "after"
}
