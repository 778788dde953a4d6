// verify.hpp - a relayed recipient checked with the other organisation
// before it is accepted (a send connector's verify_recipients).
//
// The milter and `splitroute route` call verify_recipient() after
// resolve(); the socketmap's transport maps do not (they route what the
// milter already accepted), and the smtp method is Postfix's own
// (the socketmap's "verify" map asks for it).
#pragma once

#include "core/router.hpp"
#include "runtime/config.hpp"
#include "runtime/resolve.hpp"

namespace splitroute::runtime {

// verify_recipient - for a recipient relayed through a connector with the
// directory method, look it up in that connector's directory and let the
// core turn a miss into 550 5.1.1 and a failure into 451 4.4.3; updates the
// reply.  `trail` collects the explanation if set.
void verify_recipient(const Config& config, Resolution& resolution, core::Trail* trail = nullptr);

}  // namespace splitroute::runtime
