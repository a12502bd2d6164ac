# Our own fixture: resource types issue 14 found mapped to the wrong service.
resource "aws_ssm_parameter" "db_url" {
  name  = "/app/db-url"
  type  = "SecureString"
  value = "postgres://example"
}

resource "aws_scheduler_schedule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 2 * * ? *)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = "arn:aws:lambda:eu-central-1:123456789012:function:job"
    role_arn = "arn:aws:iam::123456789012:role/scheduler"
  }
}
