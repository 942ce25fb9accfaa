#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "common/logging.h"
#include "history/sqlite_history_store.h"
#include "replay/replay_inputs.h"

namespace ntscada {
namespace {

// Relative to the working directory.
constexpr const char* kDefaultStorePath = "data/history.db";

struct import_arguments {
  std::vector<std::filesystem::path> files;
  std::string store = kDefaultStorePath;
  std::string nab_unit = "C";
};

int run_import(const import_arguments& args) {
  auto logger = module_logger("import");
  auto inputs = load_replay_inputs(args.files, {.nab_unit = args.nab_unit});
  if (!inputs) {
    logger->error("{}", inputs.error());
    return kExitUsage;
  }
  std::vector<reading> readings;
  readings.reserve(inputs.value().readings.size());
  for (labelled_reading& item : inputs.value().readings) {
    readings.push_back(std::move(item.r));
  }

  auto store = sqlite_history_store::open(args.store);
  if (!store) {
    logger->error("{}", store.error());
    return EXIT_FAILURE;
  }
  // One transaction for the whole import, so a failed import stores
  // nothing and can simply be run again.
  auto started = std::chrono::steady_clock::now();
  auto appended = store.value()->append(readings);
  if (!appended) {
    logger->error("{}", appended.error());
    return EXIT_FAILURE;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();

  auto count = store.value()->count();
  auto range = store.value()->time_range();
  if (!count || !range) {
    logger->error("{}", count ? range.error() : count.error());
    return EXIT_FAILURE;
  }
  logger->info(
      "imported {} readings into {} in {:.2f} s; the store holds {} readings",
      readings.size(), args.store, seconds, count.value());
  if (range.value()) {
    logger->info("stored timestamps span {} ns to {} ns", range.value()->first,
                 range.value()->last);
  }
  return EXIT_SUCCESS;
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto args = std::make_shared<import_arguments>();
  CLI::App* command = app.add_subcommand(
      "import",
      "Append SKAB or NAB data set files to the SQLite history store, in "
      "one transaction, with their labels. A folder stands for its .csv "
      "files. Importing a file twice stores its readings twice.");
  command->add_option("files", args->files, "Data set files or folders")
      ->required();
  command->add_option("--store", args->store,
                      "History store file, created with its folder when "
                      "missing (default: data/history.db in the working "
                      "directory)");
  command->add_option("--nab-unit", args->nab_unit,
                      "Unit of NAB values, which NAB does not state");
  command->callback([args] { std::exit(run_import(*args)); });
}

}  // namespace ntscada
