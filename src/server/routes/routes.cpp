// The one place where the API's resources are registered.
#include "server/routes/routes.h"

namespace guichet::server::routes {

const std::vector<Route>& all() {
  static const std::vector<Route> kTable = [] {
    std::vector<Route> table;
    for (auto resource :
         {operations, session, users, configuration, prompts, agents, interactions, citizens,
          offers, stats, reports, audit, identity, knowledge, chat, email, attachments}) {
      for (Route& route : resource())
        table.push_back(std::move(route));
    }
    return table;
  }();
  return kTable;
}

}  // namespace guichet::server::routes
