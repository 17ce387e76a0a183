// The chat's bot (chat_bot.h).
#include "channels/chat/chat_bot.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace guichet::chat {

namespace {

// Lower case, the accents of French letters dropped, apostrophes as spaces:
// "Parler à quelqu’un" → "parler a quelqu un".
std::string folded(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 16> kAccents{{
      {"à", 'a'},
      {"â", 'a'},
      {"ä", 'a'},
      {"é", 'e'},
      {"è", 'e'},
      {"ê", 'e'},
      {"ë", 'e'},
      {"î", 'i'},
      {"ï", 'i'},
      {"ô", 'o'},
      {"ö", 'o'},
      {"ù", 'u'},
      {"û", 'u'},
      {"ü", 'u'},
      {"ç", 'c'},
      {"’", ' '},
  }};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [accented, plain] : kAccents) {
      if (text.substr(i, accented.size()) == accented) {
        out += plain;
        i += accented.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    const auto c = static_cast<unsigned char>(text[i++]);
    out += c == '\'' ? ' ' : static_cast<char>(std::tolower(c));
  }
  return " " + out + " ";
}

}  // namespace

ChatBot::ChatBot(Language language, std::string service_name)
    : language_(language), service_(std::move(service_name)) {}

std::string ChatBot::say(const char* french, const char* english) const {
  return language_ == Language::kFrench ? french : english;
}

std::string ChatBot::greeting() const {
  return language_ == Language::kFrench
             ? "Bonjour, je suis l'assistant automatique du service « " + service_ +
                   " » : je ne suis pas une personne. Je réponds avec les articles du service. "
                   "Posez votre question ; à tout moment, écrivez « conseiller » ou utilisez "
                   "le bouton « Parler à un conseiller »."
             : "Hello, I am the automatic assistant of “" + service_ +
                   "”: I am not a person. I answer with the service's "
                   "articles. Ask your question; at any time, type “advisor” or use the "
                   "“Talk to an advisor” button.";
}

bool ChatBot::asks_for_a_person(std::string_view text) {
  const std::string said = folded(text);
  // A person named with an article ("un conseiller", not "le conseiller
  // municipal"), or the word alone as the whole message ("Conseiller !").
  static constexpr std::array<std::string_view, 17> kAsks{
      " un conseiller",  " une conseillere", " un humain",      " une personne", " quelqu un",
      " un agent ",      " un operateur",    " une operatrice", " an advisor",   " a human",
      " real person",    " someone",         " talk to a",      " parler a un",  " parler a une",
      " vraie personne", " des humains"};
  static constexpr std::array<std::string_view, 8> kAlone{
      " conseiller ", " conseillere ", " humain ", " agent ",
      " operateur ",  " advisor ",     " human ",  " personne "};
  // The message's words, without punctuation: " parler a un conseiller ".
  std::vector<std::string> tokens;
  std::string token;
  for (char c : said + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      token += c;
    } else if (!token.empty()) {
      tokens.push_back(token);
      token.clear();
    }
  }
  std::string words = " ";
  std::string alone = " ";  // the same without polite words ("conseiller svp")
  for (const std::string& t : tokens) {
    words += t + " ";
    if (t != "svp" && t != "please" && t != "merci" && t != "s" && t != "il" && t != "vous" &&
        t != "plait") {
      alone += t + " ";
    }
  }
  if (std::find(kAlone.begin(), kAlone.end(), alone) != kAlone.end()) return true;
  return std::any_of(kAsks.begin(), kAsks.end(),
                     [&](std::string_view ask) { return words.find(ask) != std::string::npos; });
}

BotTurn ChatBot::on_question(std::string_view question, const std::vector<knowledge::Hit>& hits) {
  BotTurn turn;
  if (asks_for_a_person(question)) {
    turn.kind = BotTurn::Kind::kHandOver;
    turn.text = say("Je vous mets en relation avec un conseiller.",
                    "I am putting you through to an advisor.");
    return turn;
  }
  if (hits.empty() || hits.front().coverage < knowledge::kAnswerCoverage) {
    turn.kind = BotTurn::Kind::kHandOver;
    turn.text =
        say("Je n'ai pas de réponse sûre à cette question : je vous mets en relation "
            "avec un conseiller, qui lira notre échange.",
            "I have no sure answer to this question: I am putting you through to an "
            "advisor, who will read our conversation.");
    return turn;
  }
  turn.kind = BotTurn::Kind::kAnswer;
  for (const knowledge::Hit& hit : hits) {
    // The first, and those nearly as sure: never a list of weak guesses.
    if (turn.articles.size() == 3 ||
        (!turn.articles.empty() && hit.coverage < knowledge::kAnswerCoverage)) {
      break;
    }
    turn.articles.push_back(hit);
  }
  turn.text = say(turn.articles.size() == 1 ? "Cet article devrait répondre à votre question :"
                                            : "Ces articles devraient répondre à votre question :",
                  turn.articles.size() == 1 ? "This article should answer your question:"
                                            : "These articles should answer your question:");
  return turn;
}

BotTurn ChatBot::on_feedback(bool answered) {
  BotTurn turn;
  if (answered) {
    turn.kind = BotTurn::Kind::kClosing;
    turn.text = say("Parfait. Posez une autre question si besoin, ou terminez la conversation.",
                    "Good. Ask another question if you need, or end the conversation.");
    return turn;
  }
  if (++unhelpful_ >= 2) {
    turn.kind = BotTurn::Kind::kHandOver;
    turn.text =
        say("Je n'arrive pas à vous répondre : je vous mets en relation avec un "
            "conseiller, qui lira notre échange.",
            "I cannot answer you: I am putting you through to an advisor, who will "
            "read our conversation.");
    return turn;
  }
  turn.kind = BotTurn::Kind::kRephrase;
  turn.text =
      say("Pouvez-vous reformuler votre question avec d'autres mots ? Vous pouvez aussi "
          "demander à parler à un conseiller.",
          "Could you put your question another way? You can also ask to talk to an "
          "advisor.");
  return turn;
}

}  // namespace guichet::chat
