# An attribute access continued on the next line with a leading dot.
resource "aws_lambda_function" "chained" {
  function_name = "chained"
  role = aws_iam_role.exec
    .arn
}

resource "aws_iam_role" "exec" {
  name = "exec"
}
