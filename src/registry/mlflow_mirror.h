#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/local_registry.h"
#include "registry/mlflow_client.h"

namespace ntscada {

// The MLflow location of one local version, stored beside the version as
// mlflow.json once the push has completed.
struct mlflow_mirror_record {
  std::string tracking_uri;
  std::string experiment_id;
  std::string run_id;
  // MLflow's version number of the registered model, as MLflow writes it.
  std::string model_version;
};

// Counts and errors of one sync.
struct mlflow_sync_summary {
  int versions_pushed = 0;
  int versions_present = 0;
  int aliases_set = 0;
  // One message per version or alias that could not be pushed.
  std::vector<std::string> errors;
};

// Copies versions between the local registry and an MLflow server. The
// local registry stays the source of truth for the stream processor; MLflow
// keeps a mirror that people browse and that other sites pull from.
//
// A pushed version becomes one MLflow run (named NAME-vN, with the model's
// hyperparameters as params and its evaluation metrics as metrics), whose
// artifacts under "model/" are model.json, metadata.json and version.json,
// and one version of the MLflow registered model of the same name. Local
// aliases are set as MLflow aliases of the mirrored version.
//
// Not thread-safe; use one instance per thread. The MLflow credentials in
// the client never appear in results or logs.
class mlflow_mirror {
 public:
  mlflow_mirror(local_registry& registry, mlflow_client client,
                std::string experiment_name);

  // Pushes `version` unless its mlflow.json names this tracking URI, then
  // sets its local aliases in MLflow. Returns the record either way.
  result<mlflow_mirror_record, std::string> push(
      const registered_version& version);

  // Pushes every local version that this MLflow server is missing, and
  // every local alias whose version is mirrored. Continues past errors and
  // lists them in the summary.
  mlflow_sync_summary sync();

  // Resolves `reference` in MLflow ("NAME@ALIAS", "NAME@N", or "NAME" for
  // the production alias, else the highest READY version by integer
  // order), downloads its artifacts, checks the model's SHA-256 against
  // the downloaded version.json and registers it locally unless a local
  // version with that checksum exists. A version that is not READY is
  // refused. When the reference named an alias, the local alias of the same
  // name is pointed at the local version. Returns the local version.
  result<registered_version, std::string> pull(std::string_view reference);

 private:
  result<std::string, std::string> experiment_id();

  local_registry& registry_;
  mlflow_client client_;
  std::string experiment_name_;
  std::string experiment_id_;
};

// Reads the mlflow.json of a local version. Fails when there is none.
result<mlflow_mirror_record, std::string> read_mirror_record(
    const registered_version& version);

}  // namespace ntscada
