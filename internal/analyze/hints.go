package analyze

// addHints registers the hint patterns: wordings that may show a signal,
// more often than the signal patterns do and less surely. The rules alone
// never report a hint; the reading model reads how many hints of each kind
// a message has, learns from the labelled corpus how far to trust them,
// and takes a signal's words from them when no signal pattern matched.
func (lx *lexicon) addHints() {
	hint := func(kind string) tag { return tag{group: groupHint, name: kind} }
	// Hints start with a word that is not common ("i", "the", "a", "get"
	// would be tried at every other word): matching stays cheap.
	lx.add(hint(SignalRepeatContact),
		"emails|calls|messages|texts|chats|dms|tickets|complaints|attempts|visits|departments|reminders|voicemails|letters",
		"#ordinal email|call|message|text|chat|dm|tweet|ticket|complaint|letter|attempt|request|visit|agent|time|reminder|outage|replacement|driver|bill|delivery|refund|engineer|month|week|day|night|release|order|unit|rep|person|department|number",
		"called|emailed|rang|phoned|messaged|dm'd|dmed|dm'ed|texted|contacted|chatted|tweeted|complained|resent",
		"spoke|spoken|talked|chatted * to|with * agent|agents|rep|reps|someone|somebody|people|person|customer|support|staff|team|advisor|advisors|operator|manager|supervisor|colleague|colleagues|store|branch",
		"told|promised|assured|transferred|bounced|redirected|referred|ignored|ignoring|unanswered|ghosted|ghosting",
		"nobody|noone|nobody's * answers|answer|answered|replies|reply|replied|responds|respond|responded|calls|rings|called|rang|gets|got|picks|listens|reads|reading|bothers|cares|helps|helped",
		"no one * answers|answer|answered|replies|reply|replied|responds|respond|responded|calls|rings|called|rang|gets|got|picks|listens|reads|reading|bothers|cares|helps|helped",
		"anyone|anybody * there|reading|listening|home|awake|working|answering|alive",
		"zero|never * reply|replies|response|responses|answer|answers|callback|contact|word|acknowledgement|update",
		"already|again|previously|earlier|another|still",
		"same * issue|problem|thing|question|answer|response|reply|error|message|story|excuse|script",
		"in a row",
		"every|each time|day|week|month|call",
		"follow|following|chase|chasing|reminder",
		"hello|helloooo|hellooo|helloo|hi|hey|anyone|anybody",
		// How real customers say it in a tweet: "asked x 3", "4 times now",
		// "several transfers", "getting the runaround", "re-opened the ticket".
		"x #count",
		"#count times|transfers|agents|reps|people|departments|chats|calls|emails",
		"several|multiple|many|countless|numerous * times|calls|emails|messages|transfers|agents|people|chats|dms|tickets|attempts",
		"runaround|run-around|merry-go-round|fobbed|passed|pushed|sent",
		"resend|resent|resubmitted|reopened|re-opened|reported|chased|chasing|nudging|bump|pinging",
		"last|previous * agent|person|rep|chat|call|email|message|dm",
		// A call that went nowhere: "couldn't get past your automated
		// system", "they hung up on me", "customer service said …".
		"automated|automatic * system|line|menu|message|voice|bot",
		"hung|cut * up|off",
		"service|support|care|centre|center|helpline * said|told|says|say|keeps|kept",
	)
	// (Durations alone are the rules' to read: "dies in 2 hours" is no wait.)
	lx.add(hint(SignalLongWait),
		"ages|forever|eternity",
		"since * monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|january|february|march|april|may|june|july|august|september|october|november|december|last|then|#num",
		"still|yet|waiting|waited|overdue|queue|queued|hold|due|supposed|scheduled",
		"how long",
		"finally|eventually",
		// "pending for days", "#3hourslate", "delay repay claim in progress".
		"pending|overdue|delayed|late|awaiting|outstanding|stuck|chasing",
		"#count #unit|hrs|hr|mins|min * late|later|waiting|now|ago|without",
		// Time spent on the company: "spent an hour on the phone", "20 min hold".
		"spent|wasted|lost * hour|hours|hrs|morning|afternoon|evening|day|days|ages",
		"#count min|mins|minute|minutes|hour|hours|hr|hrs * hold|wait|queue|queuing|phone|call",
	)
	lx.add(hint(SignalChurnThreat),
		"leaving|switching|cancelling|canceling|quitting|ditching|terminating|done",
		"cancel|close|terminate|quit|drop|ditch|switch * account|subscription|membership|contract|service|plan|policy|card|sub|you|everything",
		"another|different|better * provider|company|bank|brand|airline|network|carrier|store|shop|supplier|service|option|app|platform|retailer|insurer|broadband|energy|isp|operator|gym",
		"never|won't|wont * use|using|fly|flying|buy|buying|order|ordering|shop|shopping|book|booking|stay|staying|renew|renewing|recommend|recommending|return|returning|come|coming|spend|spending|again",
		"last|final * order|flight|purchase|booking|payment|chance|straw",
		"lose|losing|lost * customer|customers|business",
		"competitor|competitors|elsewhere|alternatives|alternative|rival|rivals",
		"goodbye|bye|farewell|boycott|boycotting|unsubscribed",
		// "you just gained a customer", "finally free of", "account CLOSED",
		// "I'm taking taxis", "PAC code please", "deleting the app".
		"gained|gain|gaining * customer|customers",
		"free of",
		"account|accounts|subscription|membership|contract|sub * closed|cancelled|canceled|terminated",
		"porting|ported|port|pac|stac|unsubscribe|uninstall|uninstalling|uninstalled|deleting|deleted",
		"taking * business|custom|money|taxis|cabs",
		"so done",
		// Churn stated as done: "moved over to …", "shopping elsewhere".
		"moved|moving|switched|switching * over|elsewhere",
		"looking|shopping * elsewhere|around|alternatives",
	)
	lx.add(hint(SignalPublicExposure),
		"post|posting|posted|share|sharing|shared|write|writing|tweet|tweeting|blog|blogging|vlog|film|filming|publish|publishing * about|this|it|everywhere|online|publicly|review|reviews",
		"review|reviews|reviewing|rating|ratings|stars|feedback",
		"every * review|site|sites|platform|platforms|forum|forums|channel|channels|group|groups",
		"everyone|everybody|world|public|publicly|followers|follower|audience",
		"tell|telling|warn|warning|letting|showing * everyone|everybody|people|friends|family|followers|world|others|neighbours|neighbors|colleagues",
		"twitter|facebook|instagram|tiktok|reddit|yelp|trustpilot|tripadvisor|youtube|linkedin|google|mumsnet|snapchat|whatsapp|fb|insta|ig",
		"news|press|paper|papers|bbc|journalist|journalists|media|watchdog|reporter|reporters|radio|programme",
		"viral",
		"screenshot|screenshots|screenshotted|receipts|retweet|retweets",
		"unless|until|otherwise",
	)
	lx.add(hint(SignalManagerRequest),
		"manager|managers|supervisor|supervisors|superior|boss|management|senior|escalate|escalated|escalating|escalation|lead|leader|head|owner|ceo|director|executive|exec|executives|headquarters|hq|complaints",
		"someone|somebody|anyone|anybody else|senior|higher|competent|actual|real|capable",
		"human|humans|person",
		"human being",
		"speak|talk|speaking|talking|transfer|connect|escalate to|with|me",
		"in charge",
		"responsible",
		"higher up",
		// "need corporate involved", "passing this to head office".
		"corporate",
		"head office",
	)
	lx.add(hint(SignalLegalThreat),
		"legal|legally|law|laws|lawyer|lawyers|solicitor|solicitors|attorney|attorneys|court|courts|sue|suing|sued|lawsuit|litigation|tribunal|judge|claim|claims|rights|breach|negligence|negligent|liable|liability|statutory|illegal|unlawful|lba",
		"letter before|of * action|claim",
		"consumer * rights|law|act",
	)
	lx.add(hint(SignalRegulatorComplaint),
		"ombudsman|regulator|regulators|ofcom|ofgem|ofwat|fca|ftc|cfpb|bbb|fcc|caa|dot|ico|gdpr|cma|asa|nhtsa|fda|osha|acas|citizens|which|watchdog|authority|authorities|council|police|government|mp|congressman|senator|commissioner|commission|bureau|agency",
		"report|reporting|reported|complain|complaining|refer|referring|file|filing|lodge|lodging * to|with",
		"data protection",
		"trading standards",
		"formal * complaint",
	)
	lx.add(hint(SignalChargeback),
		"bank|banks|card|issuer|paypal|amex|visa|mastercard|klarna|stripe|chargeback|dispute|disputing|disputed|reverse|reversed|reversal|claim|section",
		"stop|stopped|stopping|cancel|cancelled|cancelling|block|blocked|blocking|freeze|freezing * payment|payments|debit|direct|card|transaction",
		"fraud|fraudulent|unauthorised|unauthorized|stolen",
	)
	lx.add(hint(SignalSafetyIssue),
		"fire|fires|smoke|smoking|smell|smells|smelled|smelt|burning|burn|burned|burnt|burns|spark|sparks|sparking|shock|shocked|electric|electrical|exposed|wires|wiring|scorched|scorch",
		"injured|injury|injuries|hurt|hurts|bleed|bleeding|blood|bruised|bruise|fractured|sprained|hospital|a&e|doctor|gp|paramedic|paramedics|ambulance|stitches",
		"sick|ill|vomit|vomiting|vomited|poison|poisoned|poisoning|allergy|allergic|allergen|allergens|nut|nuts|peanut|peanuts|gluten|shellfish|epipen|reaction|rash|swelling|swollen",
		"choke|choked|choking|glass|metal|shard|shards|splinter|hair|bug|bugs|insect|insects|maggot|maggots|worm|worms|cockroach|rat|rats|mouse|mice|droppings|mould|mold|mouldy|moldy|raw|undercooked|rotten|contaminated",
		"dangerous|danger|unsafe|safety|hazard|hazardous|risk|risky|lethal|deadly|died|die|dying|kill|killed",
		"leak|leaking|gas|carbon|monoxide|alarm|alarms|exploded|explode|exploding|explosion|overheat|overheated|overheating|melted|melting|scalding|scalded|boiling",
		"fell|fall|falling|slipped|slip|tripped|collapsed|collapse|crashed|crash|brakes|brake|tyre|tire|steering|airbag|seatbelt",
		"drunk|speeding|assault|assaulted|harassed|harassment|grabbed|touched|stalked|threatened|threatening|attacked|abusive|violent|weapon|knife",
		"child|children|baby|babies|kid|kids|toddler|infant|pet|dog|cat",
		"locked|trapped|stranded * in|inside|alone|outside",
		"accident|accidents|assaulting|sexually|sexual|groped|stalking|anaphylactic|anaphylaxis|plastic",
	)
	lx.add(hint(SignalVulnerableCustomer),
		"disabled|disability|disabilities|elderly|older|aged|pensioner|pensioners|carer|caring|ill|illness|sick|hospital|hospitalised|hospitalized|cancer|chemo|chemotherapy|surgery|operation|recovering|recovery|pregnant|pregnancy|newborn|baby|toddler|infant|autistic|autism|adhd|blind|deaf|wheelchair|mobility|dementia|alzheimer's|medication|medicine|insulin|oxygen|nebuliser|dialysis|diabetic|diabetes|epilepsy|epileptic|seizure|seizures|stroke|terminal|hospice|palliative|frail|housebound",
		"died|dead|death|passed|funeral|grief|grieving|bereaved|bereavement|widow|widowed|widower|estate|probate|executor",
		"alone|lonely|isolated|isolating|shielding|vulnerable|mental|anxiety|anxious|depression|depressed|panic|suicidal|ptsd|breakdown|struggling|struggle|crisis|scared|terrified|frightened",
		"benefits|universal|pension|foodbank|afford|broke|rent|evicted|eviction|homeless|unemployed|redundant|debt|debts|overdrawn|payday|poverty",
		"food bank|banks",
		"heating|freezing",
		"hot water",
		"#num years old",
		"can't|cannot|unable|couldn't * walk|see|hear|read|drive|leave|afford|cope|manage",
	)
}

// counterKinds are the kinds of counter-hints, in the order of the reading
// model's "counter." features.
var counterKinds = [...]string{SignalRepeatContact, SignalLongWait, SignalChurnThreat, "thread_reply"}

// addCounters registers counter-hints: wordings that argue against a
// signal the words around them suggest, read by the reading model only.
// Real tweets say "tried it again, same error", "DM sent" and "crashing for
// weeks" far more often than the corpus did, and the hints read them as a
// repeat contact or a wait: a trainer does not. thread_reply marks an
// answer inside a thread (a version number, "just did", "DM sent"), which
// says little about anger.
func (lx *lexicon) addCounters() {
	counter := func(kind string) tag { return tag{group: groupCounter, name: kind} }
	// The customer's own troubleshooting, a fault that recurs, an answer
	// to the agent's request, a third party contacted: no contact chased.
	lx.add(counter(SignalRepeatContact),
		"restarted|rebooted|reinstalled|reinstall|restart|reboot|rebooting|restarting|reinstalling|uninstalled|unplugged|troubleshooting|troubleshot|resetting|downgraded|cleared|clearing|power-cycled",
		"fresh|clean|factory * install|reinstall|reset|restore",
		"tried|trying|tested * it|that|again|everything|both|another|other|different|incognito|safari|chrome|wifi",
		"dm|dms|details|info|screenshot|screenshots|photo|photos|pics|pictures * sent|attached|provided|submitted|below|above",
		"sent|dm'd|dmed|messaged * you|u * a|the|my * dm|message|pm|details|info",
		"happened|happens|crashed|crashes|froze|freezes|dropped|disappeared|failed|glitched|broke|stopped|deleted|erased * again|twice|every",
		"emailed|called|rang|phoned|contacted|messaged|asked * seller|bank|manufacturer|courier|restaurant|landlord|vendor|merchant|retailer|airport|insurer|dealer",
	)
	// How long a fault has lasted, a device's age, a customer's loyalty:
	// no wait for the company.
	lx.add(counter(SignalLongWait),
		"member|customer|client|subscriber|loyal * since|for",
		"been * customer|member|subscriber|using|with",
		"years|months * old",
		"getting|got|gotten * worse|slower",
		"crashing|freezing|glitching|lagging|buffering|flickering|overheating|disconnecting|beeping|suggesting * for|since",
		"error|glitch|bug|crashes * for|since",
		"bought|purchased|installed|upgraded|updated|redeemed|signed|joined * ago",
		// Speed, not a wait: "it arrived in two days", "came within the hour".
		"arrived|came|delivered|turned * in|within",
	)
	// Asking where to cancel, or having cancelled by mistake, threatens no one.
	lx.add(counter(SignalChurnThreat),
		"where * cancel|close|unsubscribe|delete",
		"accidentally|mistakenly * cancelled|canceled|closed|deleted|unsubscribed",
		"by mistake",
	)
	lx.add(counter("thread_reply"),
		"dm|dms|details|info|screenshot|screenshots|photo|photos|pics|pictures * sent|attached|provided|submitted|below|above",
		"yes|yeah|yep|yup|nope * i|it|that|we * have|did|do|is|was|am|does|has",
		"ios|android|windows|version|firmware|build * #num",
		"iphone|ipad|macbook|pixel|galaxy|xbox|ps4|ps5|playstation * #num|pro|plus|max|mini|one|se",
		"thanks|thank|thx|ty * for * reply|replying|response|responding|getting|looking|checking",
	)
}
