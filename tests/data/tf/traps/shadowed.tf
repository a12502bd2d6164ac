# OpenTofu reads shadowed.tofu instead of this file.
resource "aws_sns_topic" "shadowed_tf" {
  name = "never-read"
}
