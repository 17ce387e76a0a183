// The demo town hall ("Mairie de Saint-Exemple"): its services as skills and
// queues, about twenty agents with skills and languages, and demo accounts.
// Written through the same validation as the API, once: a store that already
// has users is left as it is.
#pragma once

#include <string>

#include "core/result.h"
#include "store/store.h"

namespace guichet::conversations {
class ContactCenter;
class KnowledgeBase;
}  // namespace guichet::conversations

namespace guichet::email {
class EmailChannel;
}  // namespace guichet::email

namespace guichet::server {

using conversations::ContactCenter;
using conversations::KnowledgeBase;

// Its knowledge base: about thirty articles, published.
// Returns the text to print: the demo accounts and their passwords (fixed,
// documented demo passwords: this is for a machine's own loopback).
Result<std::string> seed_demo(store::Store& store, ContactCenter& center, KnowledgeBase& knowledge);

// The demo's mailbox (turned off: the demo has no mail server), and its
// mail, taken once by the email channel (demo_mail.cpp).
inline constexpr const char* kDemoMailbox = "accueil@saint-exemple.fr";
Status seed_demo_mail(email::EmailChannel& email, std::uint64_t mailbox,
                      const std::string& service_address);

// The demo's knowledge base: a JSON array of {"title","body","tags","links"}
// (src/server/demo/articles.json, compiled in), published by seed_demo.
const char* demo_articles_json();

// For load tests and benchmarks: `agents` agents (charge1…) with four skills
// each, `queues` queues over four channels, a supervisor ("superviseur"),
// all with the password "charge-de-test", into an empty store.
Result<std::string> seed_load_test(store::Store& store, ContactCenter& center, int agents,
                                   int queues);

}  // namespace guichet::server
