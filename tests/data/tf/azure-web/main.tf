resource "azurerm_resource_group" "web" {
  name     = "web"
  location = "westeurope"
}

resource "azurerm_kubernetes_cluster" "web" {
  name                = "web"
  location            = azurerm_resource_group.web.location
  resource_group_name = azurerm_resource_group.web.name
  dns_prefix          = "web"
}

resource "azurerm_mssql_database" "web" {
  name      = "web"
  server_id = "placeholder"
}

resource "azurerm_key_vault" "web" {
  name                = "web-kv"
  location            = "westeurope"
  resource_group_name = "web"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
}

resource "azurerm_storage_account" "web" {
  name                     = "webstore"
  resource_group_name      = "web"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "ZRS"
}
