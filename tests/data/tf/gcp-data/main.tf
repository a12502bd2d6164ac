resource "google_pubsub_topic" "events" {
  name = "events"
}

resource "google_bigquery_dataset" "analytics" {
  dataset_id = "analytics"
  location   = "EU"
}

resource "google_storage_bucket" "raw" {
  name     = "raw-events"
  location = "EU"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "europe-west1"
  template {
    containers {
      image = "europe-docker.pkg.dev/p/r/api"
    }
  }
}
