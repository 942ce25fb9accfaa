#pragma once

#include <atomic>

namespace ntscada {

// Set by SIGINT and SIGTERM once install_stop_signals has run.
extern std::atomic<bool> stop_requested;

// Installs handlers for SIGINT and SIGTERM that set stop_requested.
void install_stop_signals();

}  // namespace ntscada
