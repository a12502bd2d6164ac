# Our own fixture: resource types issue 14 found mapped to the wrong service.
resource "azurerm_monitor_diagnostic_setting" "app" {
  name                       = "to-logs"
  target_resource_id         = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/sites/app"
  log_analytics_workspace_id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"
}

resource "azurerm_linux_function_app" "api" {
  name                = "api"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "/subscriptions/x/plan"
  site_config {}
}
