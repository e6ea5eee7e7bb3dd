// A compact lexicon of given names common among people using UK public services (British, Irish, Welsh,
// American, South Asian, Arabic, Polish, Romanian, Portuguese, Spanish, Italian, French, German, Nordic,
// Baltic, Slavic, Hungarian, Turkish, Somali, Chinese, Japanese, West African). Lower case, space-separated.
const GIVEN_NAMES = `
aaron abbie abby abdul abdullah abdullahi abel abigail abraham ada adam adams adela adele adeline adil aditi aditya
adnan adrian adriana adrianna adrienne agata agatha agnes agnieszka ahmad ahmed ahmet aidan aiden aileen ailsa aimee
aisha aishwarya aiyana akash akira akinori akifumi akiko aksel al alan alana alastair albert alberico alberta alberto
albin aleksander aleksandra aleksandr alena alessandra alessandro alessia alex alexa alexander alexandra alexandre
alexandru alexis alfie alfred alfredo ali alice alicia alicja alina alisha alison alistair alix aliyah allan allen
allison alma alois alpatu alvaro alyssa amal amalia amanda amar amara amber amelia amelie ami amir amira amit amna amy
ana anastasia anders andre andrea andreas andrei andrej andres andrew andrzej andy aneurin aneira angel angela angelo
angelika angharad angus anika anil anita anja anjali ann anna annabel annabelle anne anneke annette annie ansel anthony
antoine anton antonia antonio antonella anwar anya arabella archie ariana arianna ariel arjun arlo armando arnaud arnold
arthur arturo arun arvid asa åsa asha ashley ashok asif asim aslan asma astrid athena aubrey audrey august augustin
aurelia aurora austin ava avery axel aya ayaan ayesha ayla aylin ayumi azra bahar barbara barney barry bartek bartosz
basia bastian beata beatrice beatriz becky beka belinda bella ben benedict benjamin benoit berit bernadette bernard
berta bertha bertram beryl bethan bethany betty beverley bianca bilal billie birgit bjorn björn blake blanca bogdan
bonifacy bonnie boris bozena bradley brad brandon branwen brenda brendan brian bridget brigitte brittany brody bronwen
brooke bruce bruno bryan bryony bulat caitlin caitlyn callum calvin camila camille cara carina carl carla carlo
carlos carmen carol carole caroline carolyn carys casey caspar cassandra catalin catalina caterina catherine cathy
cecilia cedric celia celine cerys cesar chad chantal charles charlie charlotte chelsea cheng cheryl chidi chinedu
chioma chloe chris christa christian christiansen christin christina christine christoffer christopher chukwuma
cian ciara cindy claire clara clare claudia claudio clemence cleofe clive colin connor conor constance cora cormac
corinne courtney craig cristian cristina csaba csanád cyril cynthia dafydd dagmar dai daisuke dale damian damien dan
dana daniel daniela daniele danielle daniil danuta daphne dariusz darius darren daryl dave david davina dawid dean
debbie deborah debra declan deepak deirdre delia delyth denis denise dennis derek dermot desmond destiny dev devon
dewi dexter dhruv diana diane diego dieter dilys dimitri dimitrios dina dinesh dmitri dmitry dominic dominik dominika
donald donna dora doreen doris dorota dorothy douglas duncan dylan dzhambek ebony ed eddie edgar edi edith edmund
eduardo edward edwin efimiya eileen einar eirian eirlys eirwen elaine eleanor elena eleni elias elif elin elina elinor
eliot elisa elisabeth elise eliza elizabeth ella ellen ellie elliot elliott elsa elsie elspeth elwyn emanuel emeka
emil emilia emilie emily emin emine emma emmanuel emmie emre emrys enrico enrique eoin eric erica erik erika erin
ernest ernesto esat esme esra esther ethan eugene eugenia eustachy eva evan eve evelyn ewa ewan ewelina ezra fabian
fabio fahad faisal faith fallon farah farhan farid fatima fatma fay faye federica federico felicity felipe felix
fernando ffion fiammetta filip filipa finlay finn fiona florence florian flynn frances francesca francesco francis
francisco franciszek frank frankie franz fraser freddie freddy frederick frederik frederikke freya freja frida
fritz gabriel gabriela gabriella gabrielle gaetane gareth garfield gary gavin gemma george georgia georgina gerald
geraint gerard gerda gerhard gerry ghulam giacomo gianluca gillian gina giorgio giovanni gisela giulia giuseppe
gladys glen glenn glenys gloria glyn gordon grace graham grant grazyna greg gregor gregory greta gruffydd guadalupe
gulnara gunnar gurpreet gustav gustavo guto gwen gwenllian gwilym gwyn gwyneth habib hafþór hailey hakan halima
halldór hamid hamza hana hanna hannah hannes hans harald harjit harley harold harpreet harriet harrison harry haruka
haruto harvey hasan hassan hayden hayley hazel heather hector hedvig hedwig heidi heike helen helena helga hemant
henri henrietta henrik henry herbert hiroshi hiroko hleb hollie holly hubert hugh hugo hui hulya hülya humphrey
hunter huw hyuuma iain ian ibrahim ida idris ieuan ifan ifor igor ilona ilse imogen imran ina inderjit indira ines
inês inga inger ingrid iolo iona ioana ion ionut irena irene irenka irina iris irma isaac isabel isabella isabelle
isaiah ishaan isla ismail iva ivan ivana ivy iwan iwona izabela jacek jack jackie jackson jacob jacqueline jade
jadwiga jagdeep jake jakub james jamie jan jana jane janet janice janina janine janusz jaroslav jaroslaw jarmila
jasmine jason jaspal javier jay jayden jean jeanette jeff jeffrey jenna jennifer jenny jens jeremy jerome jesper
jess jessica jesus jill jim jimmy jindřich jo joakim joan joanna joanne joao joão jodi jodie joe joel johan johanna
johannes john johnny jolanta jon jonas jonathan jordan jorge jose josé josef josefina joseph josephine josh joshua
josip joy joyce juan judith judy jules julia julian juliana julie julien julio julius juliusz julcsa jung junaid
jurgen justin justyna jožef kacper kaiden kamal kamil kamila kamran karen karim karin karina karl karla karol karolina
kasia kasper kate katarzyna katharina kathleen kathryn katie katja katrin katrina katrine kay kayla keira keith kelly
kelvin ken kenji kenneth kerry kevin khadija khalid kieran kim kimberley kirsty klaus knut koji koppány kristen
kristian kristina kristof krisztina krzysztof kseniya kumar kyle lachlan lakshmi lamar lara larissa lars laszlo
lászló laura lauren laurence laurent layla lea leah leanne lee leena leila lena leo leon leonard leonardo leonie
leszek lewis lia liam lidia lili lilian liliana lily lin linda lindsay lindsey lisa lise liv livia liviana liisa
llinos lloyd llywelyn logan lois lola lorena lorenzo loretta lorna lorraine louis louisa louise luana luca lucas
lucia luciana lucy ludmila luigi luis luís luisa luiza lukas lukasz łukasz luke luna lydia lynn lynne mabel maciej
madeleine madison madoc mads magda magdalena maggie magnus maha mahmoud mai maia maire mairead maite maja makoto
malcolm malgorzata małgorzata malik mandeep manon manuel manuela mara marc marcel marcela marcelo marcin marco marcos
marcus margaret margarida margot mari maria mariam marian mariana marie mariusz marina mario marion marisa marius
marja marjo mark marko marta martha martim martin martina marty mary maryam marzena masha mashuu masood mateo mateusz
matei matej mathias mathilde matias matilda matt matteo matthew matthias maud maureen maurice max maxim maxine maya
meagan megan meghan mehmet mehrudin meinir mei melanie melissa meredith meryl mette mia michael michaela michal michał
michel michele michelle miguel mihai mika mikael mike mikhail miklós mila milan milena miles milly mina mirela miriam
mo mohamed mohammad mohammed mohan mohmad moira mollie molly monica monika morgan morwenna moses muhammad mustafa
mustapha nadia nadine naheed nana nanaho nancy naomi naoko natalia natalie natasha nathan nathaniel navid nayla neil
nerys nesta nia niamh nicholas nicola nicolas nicole niels nigel nikhil niklas nikola nikolai nikos nina nisha noah
noel noemi nora norma norman nuala nur nusrat obinna odette ogechi olaf oleg olga oliver olivia olivier omar oona
oren orla oscar osian oskar otto owain owen pablo padma paige pamela paola paolo parveen pascal patricia patrick
patryk paul paula paulina pauline pavel pawel paweł pedro peggy penelope per perry pete peter petra philip philippa
phillip phoebe pia pierre pietro piotr pirjo piusz polly pooja poppy prakash pranav preeti priya priyanka przemek
przemysław quentin rachel radek radoslaw rafael rafal rafał raheem rahul raj rajesh rajinder ralph ramon rana ranjit
raquel rashid raul ravi ravil rayan raymond rebeca rebecca regina reginald reza rhian rhiannon rhodri rhona rhys
ricardo riccardo richard rick ricky rikke rita rob robbie robert roberta roberto robin rodrigo roger rohan roisin
roman romi ronald ronan rory rosa rosalind rosemary ross rowan roxana roxanne roy ruby rubija rudolf rui rukhsana
rupert russell ruth ryan ryhanen sabina sabine sabrina sadia safiya sahil said saima sakura salma salman salvatore
sam samantha sameer samir samira samuel sana sandeep sandra sanjay santiago sara sarah sarka šárka sasha satoshi
satu saul scarlett scott sean sebastian selin selma serena sergei sergio seren shabana shahid shane shannon sharon
shaun sheila shelley sherry shirin shirley shiv shovda siân sian siddharth sidney siegfried sienna signe siiri silas
silvia simon simona simone siobhan siôn siwan sofia sofie sofija sonia sonja sophia sophie soren søren stacey stan
stanislav stanisław stefan stefania stefanía stella stephan stephanie stephen steve steven stewart stuart sue sukhwinder
suleiman sultan sunita susan susanne suzanne sven svetlana sylvia sylwia szymon tadeusz tahir takashi tamara tamsin
tania tanya tara tariq tatiana tatjana ted tegan tegwen teresa terri terry tess tessa thea theo theodore theresa
thierry thomas tia tiago tiffany tilly tim timmie timothy timotea tina tobias toby todd tom tomas tomasz tomomi tommy
toni tony torsten tosh toshimi tracey tracy travis trevor tristan trivo tudor tyler tzigane ubul ugo ulla ulrich uma
umar usman ursula usha ushurma valentina valentin valeria valerie vanessa vasile vasilis veronica veronika vicente
vicky victor victoria vida vidar vijay vikram vilhjálmur vilma vincent vinka viola violet virginia vivek vivian
vladimir vsevolod waleed walter wanda waqar warren wayne wendy wenona weronika wesley wiktor wiktoria wilhelm
wilhelmina will william willemine willow wilma winifred winston wisława wojciech wolfgang xavier xin yan yasmin
yasmine yara yaroslav yiannis ying yolanda yosef yousef youssef yuki yuko yuri yusuf yvette yvonne zac zach zachary
zahra zain zainab zak zara zbigniew zeynep zhang zoe zofia zoltan zoltán zuzana zsofia zsuzsanna zizi zbyszek
abdi abdirahman abdikadir ayaan hodan hibaaq faadumo farhiya sahra ubah warsame ahmed-nur nimco deeqa ilhan
bolanle funmilayo kemi tunde yetunde adebayo olumide chinonso ngozi oluwaseun kwame kofi ama akua abena yaw
wei jing li ming hua mei-ling xiaoming jun hao yu chen lei ting feng qiang bo xin-yi
haruki hinata kaito ren sota yuto yui hina rin mio saki nao kazuki ryo takumi tsubasa yusuke naoki
priti deepa kavita anita sunil ramesh suresh rakesh manoj vinod ashwin gaurav nikita rekha sangeeta shreya
gurdeep manpreet rajveer simran balwinder jaswinder kuldeep parminder navdeep
rahim karima nasrin shabnam parvin farzana shamima rezaul mizanur habibur
mererid eleri catrin lowri manon mali megan nerys heledd eurgain angharad buddug carys ceri dwynwen elen eluned
esyllt glesni gwenno hafwen lleucu lois luned mair morfudd olwen rhiannon sioned tegwen teleri anest arianwen begw
beca cadi caryl delyth heulwen iola mabli marged mirain nanw rhian tesni efa gwen haf seren awel eira enfys alaw
iestyn gethin hywel owain iwan aled geraint gwilym huw ieuan emyr elgan elis gwion ioan macsen tomos twm
rhodri rhun alun arwel bedwyr berwyn bleddyn brychan caradog cadfan cledwyn cynan deiniol dyfan dyfrig eifion
einion elfed emlyn emrys garmon gruffydd gwynfor hefin heddwyn iago ifan ifor illtud iolo islwyn ianto meirion
myrddin peredur prys rhydian siôn sion steffan taliesin tudur ynyr gwyn wyn llew
`;

/** Given names that are also everyday words; they count as names only next to a surname or a name cue. */
export const AMBIGUOUS_GIVEN = new Set(
  (
    'will may june april august grace faith hope joy rose lily daisy holly ivy iris violet jasmine ruby amber crystal ' +
    'dawn summer autumn sky mark bill pat sue rob guy jack frank art bob don drew gene jay king lane lee mason miles ' +
    'ray reed rich stone wade warren young chase hunter hill park carol dale glen april destiny key sandy rusty pearl ' +
    'angel dean grant hazel ruth max victor nancy faye fay joy nana said stan tim tom ed sam al jo li yu bo jun lei ' +
    'hao jung tess mo per sean ugo ren rin ada ina ida mai mei nia ella eve may-may star cherry page paige ' +
    'jade win florence georgia virginia hunter austin jordan chelsea brooke logan tyler camden devon kent paris ' +
    'carmen lincoln madison victoria sidney vida dev ken nao ryo uma di ' +
    // Welsh given names that are also words (summer, star, breeze, snow, rainbow, melody, white, lion) or a mountain
    'haf seren awel eira enfys alaw gwyn wyn llew idris'
  ).split(' '),
);

// Common surnames (British, Irish, Welsh, South Asian, Polish, Hispanic, Portuguese, Italian, German, Nordic, Slavic).
const SURNAMES = `
smith jones williams taylor davies evans thomas roberts johnson lewis walker robinson wood thompson wright
hughes edwards green hall lewis harris clarke clark patel jackson turner hill moore cooper ward morris king
watson harrison morgan baker allen james phillips scott griffiths mitchell kelly anderson murphy price bennett
parker richards cook shaw bailey collins owen rees lloyd powell jenkins pritchard howells parry bowen vaughan
mason murray marshall stevens chapman matthews simpson ellis russell fletcher webb rogers gray grey dawson
graham palmer holmes mills barnes knight lee butler barker gibson fisher stewart pearson hunt foster howard
reynolds kennedy wells burns ryan o'brien o'connor o'neill mcdonald macdonald mcdowell mccullough maclean
campbell fraser ross henderson paterson hamilton sutherland ahmed khan ali hussain shah begum akhtar iqbal
rahman hossain islam uddin miah chowdhury singh kaur sharma gupta kumar mistry desai mehta joshi nair reddy
nowak kowalski kowalska wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski wozniak dabrowski
kozlowski jankowski mazur kwiatkowski krawczyk piotrowski grabowski nowakowski pawlowski michalski adamska
garcia martinez rodriguez lopez gonzalez hernandez perez sanchez ramirez torres flores rivera gomez diaz
morales reyes cruz ortiz gutierrez chavez ramos ruiz alvarez castillo jimenez moreno romero herrera medina
aguilar vargas castro salinas marrero portillo alcaraz montero ybarra mendoza silva santos oliveira souza
pereira costa rodrigues ferreira almeida alves gomes lima carvalho ribeiro fernandes martins araujo rossi
russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti rizzo lombardo moretti
muller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf neumann
schwarz zimmermann hertzog herzog busch hansen jensen nielsen andersen petersen pedersen larsen christensen
johansson karlsson nilsson eriksson larsson olsson persson svensson gustafsson lundberg nyberg holm berg
virtanen korhonen nieminen makinen laine lahtinen ivanov smirnov kuznetsov popov sokolov petrov volkov
novak novotny dvorak horak yilmaz kaya demir sahin celik nguyen tran chen wang zhang liu yang huang zhao wu
zhou li kim park tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi sato okafor okeke adeyemi
mensah osei abdi farah warsame hassan mohamed ibrahim yusuf omar
`;

/** Surnames that are also everyday words or places; alone they are not taken as names. */
export const AMBIGUOUS_SURNAMES = new Set(
  'green hall hill wood king baker price bennett parker cook shaw knight lee butler barker fisher hunt wells burns ward mills brown white black bell young rose lane park mann key gray grey graham mason marshall turner walker banks'.split(
    ' ',
  ),
);

/** Lower case, diacritics removed: the form names are looked up in. */
export function nameKey(word: string): string {
  const lower = word.toLowerCase().replace(/’/g, "'");
  return /[^\x00-\x7f]/.test(lower) ? lower.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l') : lower;
}

export const SURNAME_SET: ReadonlySet<string> = new Set(SURNAMES.split(/\s+/).filter((n) => n.length > 0));

export const GIVEN_NAME_SET: ReadonlySet<string> = new Set(
  GIVEN_NAMES.split(/\s+/)
    .filter((n) => n.length > 0)
    .map((n) => nameKey(n)),
);
