#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/logging.h"
#include "registry/local_registry.h"

namespace ntscada {
namespace {

struct models_arguments {
  std::string registry = "models";
  std::string reference;
  std::string name;
  int version = 0;
  std::string alias;
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
    std::cout << fmt::format("{} ({} versions)\n", name, versions->size());
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

}  // namespace

void add_models_command(CLI::App& app) {
  auto args = std::make_shared<models_arguments>();
  CLI::App* models = app.add_subcommand(
      "models", "List, show, promote and delete registered model versions.");
  models->require_subcommand(1);
  models->add_option("--registry", args->registry, "Model registry folder");

  models->add_subcommand("list", "List models and their versions")
      ->callback([args] { std::exit(list_models(*args)); });

  CLI::App* show = models->add_subcommand(
      "show", "Show one version's record and metadata and verify its checksum");
  show->add_option("reference", args->reference,
                   "NAME (production alias, else newest), NAME@VERSION or "
                   "NAME@ALIAS")
      ->required();
  show->callback([args] { std::exit(show_model(*args)); });

  CLI::App* promote =
      models->add_subcommand("promote", "Point an alias at a version");
  promote->add_option("name", args->name, "Model name")->required();
  promote->add_option("version", args->version, "Version number")->required();
  promote->add_option("alias", args->alias, "Alias, e.g. production")
      ->required();
  promote->callback([args] { std::exit(promote_model(*args)); });

  CLI::App* remove = models->add_subcommand(
      "delete", "Delete a version that no alias points at");
  remove->add_option("name", args->name, "Model name")->required();
  remove->add_option("version", args->version, "Version number")->required();
  remove->callback([args] { std::exit(delete_model(*args)); });
}

}  // namespace ntscada
