#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/mlflow_options.h"
#include "cli/options.h"
#include "cli/settings.h"
#include "common/logging.h"
#include "registry/local_registry.h"
#include "registry/mlflow_mirror.h"
#include "registry/model_archive.h"

namespace ntscada {
namespace {

struct models_arguments {
  std::string registry = "models";
  std::string reference;
  std::string name;
  int version = 0;
  std::string alias;
  std::vector<std::string> references;
  std::string archive;
  bool keep_aliases = false;
  mlflow_arguments mlflow;
};

int fail(const std::string& message) {
  module_logger("models")->error("{}", message);
  return EXIT_FAILURE;
}

std::string describe(const registered_version& v) {
  return fmt::format(
      "{}@{}  created {}  sha256 {}{}", v.name, v.version, v.created,
      v.sha256.substr(0, 16),
      v.aliases.empty()
          ? std::string()
          : fmt::format("  aliases {}", fmt::join(v.aliases, ",")));
}

int list_models(const models_arguments& args) {
  local_registry registry(args.registry);
  auto names = registry.list_models();
  if (!names) return fail(names.error());
  for (const std::string& name : names.value()) {
    auto versions = registry.list_versions(name);
    if (!versions) return fail(versions.error());
    std::cout << fmt::format("{} ({} {})\n", name, versions->size(),
                             versions->size() == 1 ? "version" : "versions");
    for (const auto& version : versions.value()) {
      std::cout << "  " << describe(version) << '\n';
    }
  }
  return EXIT_SUCCESS;
}

int show_model(const models_arguments& args) {
  local_registry registry(args.registry);
  auto version = registry.resolve(args.reference);
  if (!version) return fail(version.error());
  std::cout << describe(version.value()) << '\n';
  std::cout << "folder " << version->folder.string() << '\n';
  auto verified = registry.verify(version.value());
  std::cout << "checksum " << (verified ? "ok" : verified.error()) << '\n';
  std::ifstream metadata(version->folder / "metadata.json");
  std::stringstream text;
  text << metadata.rdbuf();
  std::cout << text.str();
  return verified ? EXIT_SUCCESS : EXIT_FAILURE;
}

int promote_model(const models_arguments& args) {
  local_registry registry(args.registry);
  auto done = registry.set_alias(args.name, args.alias, args.version);
  if (!done) return fail(done.error());
  std::cout << fmt::format("{}@{} now points at version {}\n", args.name,
                           args.alias, args.version);
  return EXIT_SUCCESS;
}

int delete_model(const models_arguments& args) {
  local_registry registry(args.registry);
  auto done = registry.delete_version(args.name, args.version);
  if (!done) return fail(done.error());
  std::cout << fmt::format("deleted {}@{}\n", args.name, args.version);
  return EXIT_SUCCESS;
}

// Returns the mirror for the configured MLflow server, or an error when
// none is configured.
result<mlflow_mirror, std::string> open_mirror(local_registry& registry,
                                               const models_arguments& args) {
  auto client = make_mlflow_client(args.mlflow);
  if (!client) return failure{client.error()};
  if (!client->has_value()) {
    return failure{
        std::string("no MLflow server configured; pass --mlflow-uri or set "
                    "NTSCADA_MLFLOW_TRACKING_URI")};
  }
  return mlflow_mirror(registry, std::move(**client), args.mlflow.experiment);
}

int sync_models(const models_arguments& args) {
  local_registry registry(args.registry);
  auto mirror = open_mirror(registry, args);
  if (!mirror) {
    module_logger("models")->error("{}", mirror.error());
    return kExitConfig;
  }
  mlflow_sync_summary summary = mirror->sync();
  for (const std::string& error : summary.errors) {
    module_logger("models")->error("{}", error);
  }
  std::cout << fmt::format(
      "pushed {} versions, {} already in MLflow, {} aliases set, {} errors\n",
      summary.versions_pushed, summary.versions_present, summary.aliases_set,
      summary.errors.size());
  return summary.errors.empty() ? EXIT_SUCCESS : EXIT_FAILURE;
}

int pull_model(const models_arguments& args) {
  local_registry registry(args.registry);
  auto mirror = open_mirror(registry, args);
  if (!mirror) {
    module_logger("models")->error("{}", mirror.error());
    return kExitConfig;
  }
  auto version = mirror->pull(args.reference);
  if (!version) return fail(version.error());
  std::cout << describe(version.value()) << '\n';
  return EXIT_SUCCESS;
}

int export_archive(const models_arguments& args) {
  local_registry registry(args.registry);
  std::vector<registered_version> versions;
  if (args.references.empty()) {
    auto names = registry.list_models();
    if (!names) return fail(names.error());
    for (const std::string& name : names.value()) {
      auto listed = registry.list_versions(name);
      if (!listed) return fail(listed.error());
      versions.insert(versions.end(), listed->begin(), listed->end());
    }
  } else {
    for (const std::string& reference : args.references) {
      auto version = registry.resolve(reference);
      if (!version) return fail(version.error());
      versions.push_back(std::move(version.value()));
    }
  }
  auto exported = export_models(registry, versions, args.archive);
  if (!exported) return fail(exported.error());
  for (const archived_version& v : exported.value()) {
    std::cout << fmt::format("exported {}@{}\n", v.name, v.exported_version);
  }
  std::cout << fmt::format("wrote {} versions to {}\n", exported->size(),
                           args.archive);
  return EXIT_SUCCESS;
}

int import_archive(const models_arguments& args) {
  local_registry registry(args.registry);
  auto imported = import_models(registry, args.archive, args.keep_aliases);
  if (!imported) return fail(imported.error());
  for (const archived_version& v : imported.value()) {
    std::cout << fmt::format(
        "{}@{} {} {}@{}{}\n", v.name, v.exported_version,
        v.already_present ? "is already" : "imported as", v.name,
        v.local_version,
        v.aliases.empty()
            ? std::string()
            : fmt::format("  aliases {} {}", fmt::join(v.aliases, ","),
                          args.keep_aliases ? "set" : "not set"));
  }
  return EXIT_SUCCESS;
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto args = std::make_shared<models_arguments>();
  CLI::App* models = app.add_subcommand(
      "models",
      "Manage registered model versions: list, show, promote, delete, "
      "sync with MLflow, export and import archives.");
  models->require_subcommand(1);
  models->add_option("--registry", args->registry, "Model registry folder");
  auto settings = std::make_shared<command_settings>("models");
  settings->bind_flags(*models, {{"--registry", "registry.path"}});

  models->add_subcommand("list", "List models and their versions")
      ->callback([args, settings] {
        apply_or_exit(*settings);
        std::exit(list_models(*args));
      });

  CLI::App* show = models->add_subcommand(
      "show", "Show one version's record and metadata and verify its checksum");
  show->add_option("reference", args->reference,
                   "NAME (production alias, else newest), NAME@VERSION or "
                   "NAME@ALIAS")
      ->required();
  show->callback([args, settings] {
    apply_or_exit(*settings);
    std::exit(show_model(*args));
  });

  CLI::App* promote =
      models->add_subcommand("promote", "Point an alias at a version");
  promote->add_option("name", args->name, "Model name")->required();
  promote->add_option("version", args->version, "Version number")->required();
  promote->add_option("alias", args->alias, "Alias, e.g. production")
      ->required();
  promote->callback([args, settings] {
    apply_or_exit(*settings);
    std::exit(promote_model(*args));
  });

  CLI::App* remove = models->add_subcommand(
      "delete", "Delete a version that no alias points at");
  remove->add_option("name", args->name, "Model name")->required();
  remove->add_option("version", args->version, "Version number")->required();
  remove->callback([args, settings] {
    apply_or_exit(*settings);
    std::exit(delete_model(*args));
  });

  CLI::App* sync = models->add_subcommand(
      "sync",
      "Push every local version and alias that the MLflow server is missing");
  add_mlflow_options(*sync, args->mlflow);
  auto sync_settings = std::make_shared<command_settings>("models sync");
  sync_settings->bind_flags(*sync, mlflow_setting_keys(), mlflow_secret_keys());
  sync->callback([args, settings, sync_settings] {
    apply_or_exit(*settings);
    apply_or_exit(*sync_settings);
    std::exit(sync_models(*args));
  });

  CLI::App* pull = models->add_subcommand(
      "pull",
      "Download a version from MLflow into the local registry, verifying "
      "its checksum; an alias reference also moves the local alias");
  pull->add_option("reference", args->reference,
                   "NAME (production alias, else highest READY version), "
                   "NAME@VERSION or NAME@ALIAS")
      ->required();
  add_mlflow_options(*pull, args->mlflow);
  auto pull_settings = std::make_shared<command_settings>("models pull");
  pull_settings->bind_flags(*pull, mlflow_setting_keys(), mlflow_secret_keys());
  pull->callback([args, settings, pull_settings] {
    apply_or_exit(*settings);
    apply_or_exit(*pull_settings);
    std::exit(pull_model(*args));
  });

  CLI::App* exporter = models->add_subcommand(
      "export", "Write versions into one .tar.gz archive to copy elsewhere");
  exporter->add_option("--output", args->archive, "Archive file to write")
      ->required();
  exporter->add_option("reference", args->references,
                       "Versions to export (default: all), as NAME, "
                       "NAME@VERSION or NAME@ALIAS");
  exporter->callback([args, settings] {
    apply_or_exit(*settings);
    std::exit(export_archive(*args));
  });

  CLI::App* importer = models->add_subcommand(
      "import",
      "Register the versions of an exported archive as new local versions");
  importer->add_option("archive", args->archive, "Archive written by export")
      ->required()
      ->check(CLI::ExistingFile);
  importer->add_flag("--keep-aliases", args->keep_aliases,
                     "Also point the archive's aliases at the imported "
                     "versions (default: aliases are left alone)");
  importer->callback([args, settings] {
    apply_or_exit(*settings);
    std::exit(import_archive(*args));
  });
}

}  // namespace ntscada
