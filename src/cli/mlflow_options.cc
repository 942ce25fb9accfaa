#include "cli/mlflow_options.h"

namespace ntscada {

void add_mlflow_options(CLI::App& command, mlflow_arguments& args) {
  command.add_option("--mlflow-uri", args.tracking_uri,
                     "MLflow tracking server, http://host:port[/prefix]; "
                     "empty for none");
  command.add_option("--mlflow-experiment", args.experiment,
                     "MLflow experiment that holds the training runs");
  // Hidden: credentials belong in the environment or the file.
  command.add_option("--mlflow-token", args.token, "MLflow bearer token")
      ->group("");
  command
      .add_option("--mlflow-username", args.username,
                  "MLflow basic authentication user")
      ->group("");
  command
      .add_option("--mlflow-password", args.password,
                  "MLflow basic authentication password")
      ->group("");
}

std::vector<std::pair<std::string, std::string>> mlflow_setting_keys() {
  return {{"--mlflow-uri", "mlflow.tracking_uri"},
          {"--mlflow-experiment", "mlflow.experiment"},
          {"--mlflow-token", "mlflow.token"},
          {"--mlflow-username", "mlflow.username"},
          {"--mlflow-password", "mlflow.password"}};
}

std::vector<std::string> mlflow_secret_keys() {
  return {"mlflow.token", "mlflow.password"};
}

result<std::optional<mlflow_client>, std::string> make_mlflow_client(
    const mlflow_arguments& args) {
  if (args.tracking_uri.empty()) return std::optional<mlflow_client>();
  mlflow_client_config config;
  config.tracking_uri = args.tracking_uri;
  config.bearer_token = args.token;
  config.username = args.username;
  config.password = args.password;
  auto client = mlflow_client::create(std::move(config));
  if (!client) return failure{"mlflow.tracking_uri: " + client.error()};
  return std::optional<mlflow_client>(std::move(client.value()));
}

}  // namespace ntscada
