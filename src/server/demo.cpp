#include "server/demo.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <vector>

#include "conversations/contact_center.h"
#include "conversations/knowledge_base.h"
#include "core/json_body.h"
#include "server/auth.h"
#include "server/routes/routes.h"

namespace guichet::server {

namespace {

using json_body::id_in;

struct DemoUser {
  const char* username;
  const char* display_name;
  store::Role role;
};

constexpr const char* kPassword = "saint-exemple-demo";
constexpr const char* kLoadTestPassword = "charge-de-test";

// Skills by name, with the agents' levels.
struct DemoAgent {
  const char* username;
  const char* display_name;
  std::vector<std::pair<const char*, int>> skills;
  const char* capacity;
};

// A user with an already computed password hash (one for every demo account).
Result<std::uint64_t> add_user(store::Store& store, const std::string& hash,
                               const std::string& username, const std::string& display_name,
                               store::Role role) {
  store::User user;
  user.username = username;
  user.display_name = display_name;
  user.role = role;
  user.password_hash = hash;
  user.created_at = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  auto created = store.create_user(user);
  if (!created) return created.error();
  return created->id;
}

// The demo's articles, created and published by the admin.
Status seed_articles(KnowledgeBase& knowledge, std::uint64_t admin) {
  namespace json = boost::json;
  boost::system::error_code ec;
  const json::value articles = json::parse(demo_articles_json(), ec);
  if (ec || !articles.is_array()) return internal_error("the demo's articles are not a JSON array");
  for (const json::value& item : articles.as_array()) {
    const json::object& article = item.as_object();
    conversations::ArticleContent content;
    content.title = json::value_to<std::string>(article.at("title"));
    content.body = json::value_to<std::string>(article.at("body"));
    content.tags = json::value_to<std::vector<std::string>>(article.at("tags"));
    for (const json::value& link : article.at("links").as_array()) {
      content.links.push_back({json::value_to<std::string>(link.at("title")),
                               json::value_to<std::string>(link.at("url"))});
    }
    auto created = knowledge.create(std::move(content), admin);
    if (!created) return created.status();
    if (auto published = knowledge.publish(created->id, admin); !published)
      return published.status();
  }
  return Status::ok();
}

}  // namespace

Result<std::string> seed_demo(store::Store& store, ContactCenter& center,
                              KnowledgeBase& knowledge) {
  auto users = store.list_users();
  if (!users) return users.error();
  std::string accounts =
      "Mairie de Saint-Exemple (demo). Accounts — password for all: " + std::string(kPassword) +
      "\n";
  const DemoUser staff[] = {
      {"admin", "Administration", store::Role::kAdmin},
      {"superviseur", "Claire Dubois (superviseure)", store::Role::kSupervisor},
  };
  const DemoAgent agents[] = {
      {"agent1",
       "Léa Martin",
       {{"accueil", 4}, {"etat_civil", 3}, {"fr", 5}, {"en", 3}},
       R"({"voice":1,"chat":2,"email":3,"task":2})"},
      {"agent2",
       "Hugo Bernard",
       {{"accueil", 3}, {"etat_civil", 4}, {"fr", 5}},
       R"({"voice":1,"email":3,"task":2})"},
      {"agent3",
       "Chloé Petit",
       {{"accueil", 3}, {"urbanisme", 4}, {"fr", 5}, {"es", 3}},
       R"({"voice":1,"email":3,"task":2})"},
      {"agent4", "Lucas Robert", {{"urbanisme", 5}, {"fr", 5}}, R"({"voice":1,"task":3})"},
      {"agent5", "Emma Richard", {{"impots", 4}, {"fr", 5}, {"en", 2}}, R"({"voice":1,"email":3})"},
      {"agent6", "Louis Durand", {{"impots", 5}, {"fr", 5}}, R"({"voice":1,"email":3,"task":2})"},
      {"agent7", "Manon Moreau", {{"accueil", 4}, {"fr", 5}, {"ar", 4}}, R"({"voice":1,"chat":3})"},
      {"agent8",
       "Nathan Simon",
       {{"accueil", 2}, {"etat_civil", 2}, {"fr", 5}},
       R"({"voice":1,"chat":2,"task":2})"},
      {"agent9",
       "Inès Laurent",
       {{"etat_civil", 5}, {"fr", 5}, {"pt", 3}},
       R"({"voice":1,"email":2})"},
      {"agent10",
       "Jules Lefebvre",
       {{"accueil", 3}, {"impots", 2}, {"fr", 5}},
       R"({"voice":1,"chat":2,"email":3})"},
      {"agent11",
       "Camille Michel",
       {{"accueil", 5}, {"fr", 5}, {"en", 4}, {"de", 3}, {"accessibilite", 3}},
       R"({"voice":1,"chat":3,"email":5})"},
      {"agent12",
       "Gabriel Garcia",
       {{"urbanisme", 3}, {"accueil", 2}, {"fr", 5}, {"es", 5}},
       R"({"voice":1,"task":3})"},
      {"agent13",
       "Sarah David",
       {{"etat_civil", 3}, {"accueil", 3}, {"fr", 5}},
       R"({"voice":1,"chat":2})"},
      {"agent14",
       "Raphaël Bertrand",
       {{"impots", 3}, {"fr", 5}},
       R"({"voice":1,"email":4,"task":3})"},
      {"agent15",
       "Zoé Roux",
       {{"accueil", 4}, {"etat_civil", 2}, {"fr", 5}, {"it", 3}},
       R"({"voice":1,"chat":3})"},
      {"agent16", "Arthur Vincent", {{"urbanisme", 4}, {"fr", 5}}, R"({"voice":1,"email":3})"},
      {"agent17",
       "Alice Fournier",
       {{"accueil", 3}, {"fr", 5}, {"lsf", 4}, {"accessibilite", 4}},
       R"({"voice":1,"chat":3,"email":3})"},
      {"agent18",
       "Adam Morel",
       {{"impots", 4}, {"accueil", 2}, {"fr", 5}},
       R"({"voice":1,"task":2})"},
      {"agent19",
       "Lina Girard",
       {{"etat_civil", 4}, {"fr", 5}, {"en", 3}},
       R"({"voice":1,"email":3})"},
      {"agent20",
       "Paul André",
       {{"accueil", 3}, {"urbanisme", 2}, {"impots", 2}, {"fr", 5}},
       R"({"voice":1,"chat":2,"task":2})"},
  };
  if (!users->empty()) {
    return std::string("Demo data already present. ") + accounts.substr(accounts.find("Accounts")) +
           "  admin, superviseur, agent1 … agent20\n";
  }
  auto hash = hash_password(kPassword);
  if (!hash) return hash.error();
  auto add = [&](const char* username, const char* name, store::Role role) {
    return add_user(store, *hash, username, name, role);
  };
  std::uint64_t admin = 0;
  for (const DemoUser& u : staff) {
    auto id = add(u.username, u.display_name, u.role);
    if (!id) return id.error();
    if (u.role == store::Role::kAdmin) admin = *id;
    accounts += "  " + std::string(u.username) + " (" + store::to_string(u.role) + ")\n";
  }
  std::map<std::string, std::uint64_t> skill;
  for (const char* name : {"accueil", "etat_civil", "urbanisme", "impots", "fr", "en", "es", "de",
                           "it", "pt", "ar", "lsf", "accessibilite"}) {
    auto created = center.create("skill", std::string(R"({"name":")") + name + "\"}", admin);
    if (!created) return created.error();
    skill[name] = id_in(*created);
  }
  auto s = [&](const char* name) { return std::to_string(skill[name]); };
  // One calendar for the town hall: its queues and its IVR follow it, so that
  // a holiday or a change of hours is made once.
  auto hours = center.create(
      "calendar",
      R"({"name":"horaires-mairie","hours":"mon-fri 08:30-12:30,13:30-17:00; sat 09:00-12:00"})",
      admin);
  if (!hours) return hours.error();
  const std::string town_hall_calendar = R"("calendar_id":)" + std::to_string(id_in(*hours));
  const std::string queues[] = {
      R"({"name":"messagerie-vocale","channel":"voice","sl_threshold_s":3600,"accept_when_closed":true})",
      R"({"name":"accueil-general","channel":"voice","skills":[{"skill_id":)" + s("accueil") +
          R"(,"min_level":1},{"skill_id":)" + s("fr") +
          R"(,"min_level":3}],"sl_threshold_s":30,"sl_target":0.8,"wrapup_s":20,"max_wait_s":600,"voicemail_queue_id":1,)" +
          town_hall_calendar + "}",
      R"({"name":"etat-civil","channel":"voice","skills":[{"skill_id":)" + s("etat_civil") +
          R"(,"min_level":3}],"sl_threshold_s":30,"strategy":"most_skilled","wrapup_s":30,"escalation":[{"after_s":60,"relax_levels":1},{"after_s":180,"raise_priority":5}],"voicemail_queue_id":1,)" +
          town_hall_calendar + "}",
      R"({"name":"urbanisme","channel":"voice","skills":[{"skill_id":)" + s("urbanisme") +
          R"(,"min_level":2}],"sl_threshold_s":60,"wrapup_s":60,"voicemail_queue_id":1,)" +
          town_hall_calendar + "}",
      R"({"name":"impots-locaux","channel":"voice","priority":1,"skills":[{"skill_id":)" +
          s("impots") +
          R"(,"min_level":2}],"sl_threshold_s":45,"wrapup_s":45,"voicemail_queue_id":1,)" +
          town_hall_calendar + "}",
      R"({"name":"chat-site-web","channel":"chat","skills":[{"skill_id":)" + s("accueil") +
          R"(,"min_level":2}],"sl_threshold_s":60,"sl_target":0.9,"strategy":"least_occupied"})",
      R"({"name":"courriels","channel":"email","skills":[{"skill_id":)" + s("accueil") +
          R"(,"min_level":1}],"sl_threshold_s":172800,"sl_target":0.95,"accept_when_closed":true,"answer_within_days":2,)" +
          town_hall_calendar + "}",
      R"({"name":"demandes-en-ligne","channel":"task","sl_threshold_s":86400,"skills":[{"skill_id":)" +
          s("etat_civil") + R"(,"min_level":1}]})",
  };
  std::vector<std::uint64_t> queue_ids;  // in the order above
  for (const std::string& queue : queues) {
    auto created = center.create("queue", queue, admin);
    if (!created) return created.error();
    queue_ids.push_back(id_in(*created));
  }
  auto q = [&](int index) { return std::to_string(queue_ids[index]); };
  // Accessible reception (décret 2017-875): real-time text in the phone
  // line's hours, for the advisors trained to it, with its own service level.
  auto rtt = center.create(
      "queue",
      R"({"name":"texte-temps-reel","channel":"chat","skills":[{"skill_id":)" + s("accessibilite") +
          R"(,"min_level":1}],"sl_threshold_s":60,"sl_target":0.9,"chat_rtt":true,"chat_hours_queue_id":)" +
          q(1) + "}",
      admin);
  if (!rtt) return rtt.error();
  // The website's chat (/demo/site): advisors in the town hall's hours; the
  // bot at any hour, and outside them a message left for the online
  // requests' queue.
  if (auto chat = center.put(
          "queue", queue_ids[5],
          R"({"name":"chat-site-web","channel":"chat","skills":[{"skill_id":)" + s("accueil") +
              R"(,"min_level":2}],"sl_threshold_s":60,"sl_target":0.9,"strategy":"least_occupied",)" +
              town_hall_calendar + R"(,"chat_message_queue_id":)" + q(7) +
              R"(,"chat_rtt_queue_id":)" + std::to_string(id_in(*rtt)) + "}",
          admin);
      !chat) {
    return chat.error();
  }
  // The town hall's mailbox, feeding the mail queue. Turned off: nothing to
  // read nor send through in a demo (an administrator sets the servers).
  if (auto mailbox = center.create(
          "mailbox",
          std::string(R"({"name":"Accueil de la mairie","address":")") + kDemoMailbox +
              R"(","display_name":"Mairie de Saint-Exemple","queue_id":)" + q(6) +
              R"(,"imap_url":"imaps://imap.saint-exemple.fr/INBOX","imap_user":")" + kDemoMailbox +
              R"(","smtp_url":"smtps://smtp.saint-exemple.fr","smtp_user":")" + kDemoMailbox +
              R"j(","signature":"Accueil de la mairie\n1 place de la Mairie, 99000 Saint-Exemple\n01 00 00 00 00 (du lundi au vendredi, 8 h 30 – 17 h)","acknowledge":false,"enabled":false})j",
          admin);
      !mailbox) {
    return mailbox.error();
  }
  // The town hall's phone number and its IVR: open hours, a menu, the file
  // number for the registry office; after hours, a voicemail.
  auto flow = center.create(
      "ivr_flow",
      R"({"name":"Standard de la mairie","number":"0100000000",)"
      // The relay provider's calls (sign language, transcription) skip the menu.
      R"("relay":{"name":"Acce-o","url":"https://www.acce-o.fr/","callers":["+33100000099"],"start":"horaires-relais"},)"
      R"("steps":[)"
      R"({"id":"horaires","type":"hours","calendar_id":)" +
          std::to_string(id_in(*hours)) +
          R"(,"open":"menu","closed":"fermee"},)"
          R"({"id":"menu","type":"menu","text":"Bienvenue à la mairie de Saint-Exemple. Pour l'état civil, tapez 1. Pour l'urbanisme, tapez 2. Pour les impôts locaux, tapez 3. Pour toute autre question, tapez 0.","options":{"1":"dossier","2":"urbanisme","3":"impots","0":"accueil"},"invalid_text":"Choix non reconnu.","fallback":"accueil"},)"
          R"({"id":"dossier","type":"collect","text":"Si vous avez un numéro de dossier, tapez ses six chiffres, suivis de dièse.","attribute":"dossier","min_digits":6,"max_digits":6,"retries":1,"next":"etat-civil","fallback":"etat-civil"},)"
          R"({"id":"etat-civil","type":"queue","queue_id":)" +
          q(2) +
          R"(},)"
          R"({"id":"urbanisme","type":"queue","queue_id":)" +
          q(3) +
          R"(},)"
          R"({"id":"impots","type":"queue","queue_id":)" +
          q(4) +
          R"(},)"
          R"({"id":"accueil","type":"queue","queue_id":)" +
          q(1) +
          R"(},)"
          // Past the menu for the relay's operator, not past the hours.
          R"({"id":"horaires-relais","type":"hours","calendar_id":)" +
          std::to_string(id_in(*hours)) +
          R"(,"open":"accueil","closed":"fermee"},)"
          R"({"id":"fermee","type":"voicemail","text":"La mairie est fermée. Elle vous accueille du lundi au vendredi de huit heures trente à dix-sept heures, et le samedi matin. Laissez votre message après le bip.","queue_id":)" +
          q(0) + "}]}",
      admin);
  if (!flow) return flow.error();
  for (const DemoAgent& a : agents) {
    auto id = add(a.username, a.display_name, store::Role::kAgent);
    if (!id) return id.error();
    std::string body = R"({"skills":[)";
    for (std::size_t i = 0; i < a.skills.size(); ++i) {
      if (i > 0) body += ",";
      body += R"({"skill_id":)" + s(a.skills[i].first) + R"(,"level":)" +
              std::to_string(a.skills[i].second) + "}";
    }
    body += std::string(R"(],"capacity":)") + a.capacity + "}";
    auto profile = center.put("agent", *id, body, admin);
    if (!profile) return profile.error();
  }
  for (const char* code :
       {"renseignement", "rdv-pris", "dossier-transmis", "rappel-prevu", "hors-competence"}) {
    auto created = center.create("wrapup_code", std::string(R"({"name":")") + code + "\"}", admin);
    if (!created) return created.error();
  }
  for (const char* reason : {"dejeuner", "formation", "reunion", "accueil-physique"}) {
    auto created =
        center.create("pause_reason", std::string(R"({"name":")") + reason + "\"}", admin);
    if (!created) return created.error();
  }
  // A town hall, not a State service: its own name where the
  // "République française" block would be.
  store::Document identity{routes::kIdentityKind, 1, routes::kIdentityKind,
                           R"({"name":"Mairie de Saint-Exemple","state_service":false,)"
                           R"("accessibility":"partially compliant"})"};
  if (auto stored = store.put_document(std::move(identity), admin, center.now()); !stored)
    return stored.error();
  if (Status seeded = seed_articles(knowledge, admin); !seeded) return seeded.error();
  accounts += "  agent1 … agent20 (agent)\n";
  return accounts;
}

Result<std::string> seed_load_test(store::Store& store, ContactCenter& center, int agents,
                                   int queues) {
  if (agents < 1 || agents > 20'000 || queues < 1 || queues > 2'000) {
    return invalid_argument("1..20000 agents and 1..2000 queues", "load-test");
  }
  auto users = store.list_users();
  if (!users) return users.error();
  if (!users->empty()) return std::string("Load-test data already present.\n");
  // One hash for every account: Argon2id takes a tenth of a second on
  // purpose, which thousands of accounts cannot each afford here.
  auto hash = hash_password(kLoadTestPassword);
  if (!hash) return hash.error();
  auto add = [&](const std::string& username, store::Role role) {
    return add_user(store, *hash, username, username, role);
  };
  auto supervisor = add("superviseur", store::Role::kSupervisor);
  if (!supervisor) return supervisor.error();
  // A skill per ten queues; each queue asks for one, each agent has four.
  const int skills = std::max(1, queues / 10);
  std::vector<std::uint64_t> skill_ids;
  for (int i = 0; i < skills; ++i) {
    auto created =
        center.create("skill", R"({"name":"service-)" + std::to_string(i + 1) + "\"}", *supervisor);
    if (!created) return created.error();
    skill_ids.push_back(id_in(*created));
  }
  const char* channels[] = {"voice", "chat", "email", "task"};
  for (int i = 0; i < queues; ++i) {
    const std::string body = R"({"name":"file-)" + std::to_string(i + 1) + R"(","channel":")" +
                             channels[i % 4] + R"(","skills":[{"skill_id":)" +
                             std::to_string(skill_ids[i % skills]) +
                             R"(,"min_level":1}],"sl_threshold_s":30})";
    auto created = center.create("queue", body, *supervisor);
    if (!created) return created.error();
  }
  for (int i = 0; i < agents; ++i) {
    auto id = add("charge" + std::to_string(i + 1), store::Role::kAgent);
    if (!id) return id.error();
    std::string body = R"({"skills":[)";
    for (int k = 0; k < std::min(4, skills); ++k) {
      if (k > 0) body += ",";
      body += R"({"skill_id":)" + std::to_string(skill_ids[(i + k * 7) % skills]) + R"(,"level":)" +
              std::to_string(1 + (i + k) % 5) + "}";
    }
    body += R"(],"capacity":{"voice":1,"chat":2,"email":3,"task":2}})";
    auto profile = center.put("agent", *id, body, *supervisor);
    if (!profile) return profile.error();
  }
  return "Load-test data: " + std::to_string(agents) + " agents (charge1…), " +
         std::to_string(queues) + " queues; superviseur and agents, password " + kLoadTestPassword +
         "\n";
}

}  // namespace guichet::server
