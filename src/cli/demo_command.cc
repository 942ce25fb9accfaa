#include "cli/commands.h"

namespace ntscada {

void add_demo_command(CLI::App&) {}

}  // namespace ntscada
