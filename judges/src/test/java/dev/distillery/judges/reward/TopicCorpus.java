package dev.distillery.judges.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated preference set where the preferred answer is the one on the prompt's topic: eight topics, six prompts
 * and six answers each. Pairs put an on-topic answer against an answer from a random other topic, in random order
 * of (chosen, rejected) construction but always labelled correctly. Prompts and answers with an index below
 * {@link #TRAIN_ITEMS} form the training side, the rest the held-out side, so held-out pairs share no text with
 * training pairs.
 */
final class TopicCorpus {

    static final int TRAIN_ITEMS = 3;

    static final String[] TOPICS = {"cooking", "astronomy", "gardening", "football", "programming", "personal finance",
            "music", "medicine"};

    static final String[][] PROMPTS = {
            {"How long should I knead bread dough?", "What is the best way to caramelise onions?",
                    "How do I keep pasta from sticking together?", "Why did my cake sink in the middle?",
                    "How can I make a risotto creamy without cream?", "What temperature should I roast a chicken at?"},
            {"Why does Mars look red in the night sky?", "How far away is the Andromeda galaxy?",
                    "What causes a solar eclipse?", "How do astronomers find planets around other stars?",
                    "Why does the Moon always show us the same face?", "What is a neutron star made of?"},
            {"When should I plant tomato seedlings outside?", "How often should I water succulents?",
                    "What is the best way to start a compost heap?", "Why are the leaves on my rose bush turning yellow?",
                    "How do I prune an apple tree?", "Which vegetables grow well in shade?"},
            {"What does the offside rule mean in football?", "How many substitutes can a football team use?",
                    "What is the best formation for a defensive team?", "How do penalty shootouts work?",
                    "Why do goalkeepers wear different colours?", "How can a young striker improve their finishing?"},
            {"What is the difference between a list and a set in Python?", "How do I fix a null pointer exception in Java?",
                    "What does a hash map do?", "How should I name variables in my code?",
                    "What is recursion in programming?", "How do I undo my last git commit?"},
            {"How much of my salary should I save each month?", "What is the difference between a stock and a bond?",
                    "Should I pay off debt or invest first?", "How does compound interest work?",
                    "What is an emergency fund for?", "How do index funds keep costs low?"},
            {"How do I tune a guitar by ear?", "What is the difference between a major and a minor chord?",
                    "How can I improve my sense of rhythm?", "What does a conductor do in an orchestra?",
                    "How often should I practise the piano?", "What is a time signature in sheet music?"},
            {"What are the symptoms of the flu?", "How do antibiotics work against infections?",
                    "Why is high blood pressure dangerous?", "How much sleep does an adult need?",
                    "What does a vaccine teach the immune system?", "When should a sprained ankle be seen by a doctor?"}};

    static final String[][] ANSWERS = {
            {"Knead the dough for about ten minutes until it is smooth and springs back when you press it.",
                    "Cook the sliced onions slowly over low heat in butter for forty minutes, stirring now and then.",
                    "Use plenty of boiling salted water and stir the pasta during the first minute of cooking.",
                    "A cake sinks when the oven door is opened too early or the batter has too much baking powder.",
                    "Stir the rice constantly and add hot stock a ladle at a time so the starch thickens the sauce.",
                    "Roast the chicken at 200 degrees Celsius until the juices run clear and the skin is golden."},
            {"Mars is covered in iron oxide dust, which is rust, and it reflects reddish light.",
                    "The Andromeda galaxy is about two and a half million light years from the Milky Way.",
                    "A solar eclipse happens when the Moon passes between the Earth and the Sun and blocks its light.",
                    "Astronomers watch for tiny dips in a star's brightness when a planet passes in front of it.",
                    "The Moon is tidally locked, so it rotates once for every orbit around the Earth.",
                    "A neutron star is the collapsed core of a massive star, made almost entirely of packed neutrons."},
            {"Plant tomato seedlings outdoors after the last frost, when the soil has warmed up.",
                    "Water succulents only when the soil has dried out completely, about every two weeks.",
                    "Layer green kitchen scraps with brown leaves and turn the compost pile every few weeks.",
                    "Yellow rose leaves usually mean overwatering, poor drainage or a lack of nitrogen in the soil.",
                    "Prune apple trees in late winter, removing crossing branches to open the centre to light.",
                    "Lettuce, spinach and kale grow well in partial shade in the vegetable garden."},
            {"A player is offside if they are nearer the goal line than the ball and the second last defender when the ball is played.",
                    "Most competitions now allow five substitutions per team in a match, made in three windows.",
                    "A back five with two holding midfielders makes a team hard to break down.",
                    "In a shootout each team takes five penalties in turn, and sudden death follows if it is level.",
                    "Goalkeepers wear a different colour so the referee can tell them apart from the outfield players.",
                    "Strikers improve their finishing by practising shots with both feet under pressure every week."},
            {"A Python list keeps items in order and allows duplicates, while a set is unordered and holds unique items.",
                    "A NullPointerException means you called a method on a reference that was null, so check where it was assigned.",
                    "A hash map stores key value pairs and finds a value by hashing its key in constant time.",
                    "Give variables descriptive names that say what they hold, like userCount instead of x.",
                    "Recursion is when a function calls itself on a smaller input until it reaches a base case.",
                    "Run git reset --soft HEAD~1 to undo the last commit but keep the changes staged."},
            {"A common rule is to save at least fifteen to twenty percent of your take-home pay each month.",
                    "A stock is a share of ownership in a company, while a bond is a loan you make to a company or government.",
                    "Pay off high interest debt such as credit cards first, then invest what you have left.",
                    "Compound interest means you earn interest on your interest, so savings grow faster over time.",
                    "An emergency fund covers three to six months of expenses in case you lose your income.",
                    "Index funds track a market index passively, so they need no expensive fund managers."},
            {"Tune the low E string to a reference note, then match each string to the fifth fret of the one below.",
                    "A major chord sounds bright because of its major third, while a minor chord has a flattened third and sounds sad.",
                    "Practise with a metronome at a slow tempo and clap along to songs to improve your rhythm.",
                    "The conductor sets the tempo, cues the musicians and shapes the dynamics of the orchestra.",
                    "Practising the piano for thirty minutes every day is better than one long session a week.",
                    "A time signature tells you how many beats are in each bar and which note value gets one beat."},
            {"Flu symptoms include fever, a sore throat, muscle aches, tiredness and a dry cough.",
                    "Antibiotics kill bacteria or stop them from multiplying, but they do not work against viruses.",
                    "High blood pressure strains the heart and arteries and raises the risk of stroke and heart attack.",
                    "Most adults need seven to nine hours of sleep a night to stay healthy.",
                    "A vaccine shows the immune system a harmless piece of a germ so it can make antibodies in advance.",
                    "See a doctor if a sprained ankle cannot bear weight or the swelling does not go down in a few days."}};

    private TopicCorpus() {
    }

    /**
     * Labelled pairs: prompts and answers drawn from items {@code [from, to)} of each topic; the chosen answer is on
     * the prompt's topic, the rejected one from a different topic.
     */
    static List<PreferencePair> pairs(int count, int from, int to, long seed) {
        Random random = new Random(seed);
        List<PreferencePair> out = new ArrayList<>(count);
        int topics = TOPICS.length;
        for (int i = 0; i < count; i++) {
            int t = random.nextInt(topics);
            int u = (t + 1 + random.nextInt(topics - 1)) % topics;
            String prompt = PROMPTS[t][from + random.nextInt(to - from)];
            String good = ANSWERS[t][from + random.nextInt(to - from)];
            String bad = ANSWERS[u][from + random.nextInt(to - from)];
            out.add(new PreferencePair(prompt, good, bad));
        }
        return out;
    }

    static List<PreferencePair> training(int count, long seed) {
        return pairs(count, 0, TRAIN_ITEMS, seed);
    }

    static List<PreferencePair> heldOut(int count, long seed) {
        return pairs(count, TRAIN_ITEMS, PROMPTS[0].length, seed);
    }
}
