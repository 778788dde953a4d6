// callbacks.hpp - splitroute's libmilter filter description.
#pragma once

namespace splitroute::daemon {

// register_filter - smfi_register() the callbacks; throws on failure.
void register_filter();

}  // namespace splitroute::daemon
