package redact

import "strings"

// Name lists for person detection. They are common given names and
// surnames written down for this package (English, Western and Northern
// European, Russian in Latin and Cyrillic letters, pinyin, and Chinese
// surnames), not derived from any evaluation corpus.

const givenNamesText = `
aaron abigail adam adrian aidan alan albert alex alexander alexandra alexis alfred alice alicia alison allison alyssa amanda amber amelia amy andrea andrew angela angelica anita ann anna anne annie anthony antonio april arthur ashley audrey austin barbara benjamin betty beverly bill billy bob bobby bonnie brad bradley brandon brenda brian bridget brittany brooke bruce bryan caleb calvin cameron carl carla carlos carmen carol caroline carolyn catherine cathy charles charlie charlotte chad chelsea cheryl chloe chris christian christina christine christopher cindy claire clara claudia colin connor courtney craig crystal cynthia daisy dale dan daniel danielle danny darren david dawn dean deborah debra denise dennis derek diana diane donald donna doris dorothy douglas dylan edward eileen elaine eleanor elena elijah elizabeth ella ellen emily emma eric erica erik erin ethan eugene evan evelyn frances francis frank fred gabriel gabriella gail gary george gerald gina gloria gordon grace greg gregory hailey hannah harold harry heather helen henry holly howard ian isaac isabel isabella jack jackie jacob jacqueline jake james jamie jane janet janice jason jean jeffrey jennifer jenny jeremy jerry jesse jessica jill jim jimmy joan joanne joe joel john johnny jonathan jordan jose joseph joshua joyce juan judith judy julia julian julie justin karen karl kate katherine kathleen kathryn kathy katie keith kelly ken kenneth kevin kim kimberly kyle larry laura lauren lawrence leah lee leonard leslie lily linda lisa logan lori louis louise lucas lucy luis luke lydia lynn madison margaret maria marie marilyn mario marion martha martin marvin mary mason matthew megan melanie melissa michael michelle mike mildred molly monica nancy natalie nathan nathaniel neil nicholas nicole noah norma olivia oscar pamela patricia patrick paul paula peggy peter philip phillip rachel ralph randy raymond rebecca regina richard rick rita robert roberto robin roger ronald rose ruby russell ruth ryan samantha samuel sandra sara sarah scott sean sharon shawn shirley sofia sophia stacy stanley stephanie stephen steve steven susan sydney tammy tanya teresa terry theresa thomas tiffany timothy tina todd tom tony tracy travis tyler valerie vanessa veronica victor victoria vincent virginia walter wanda wayne wendy william willie zachary zoe
abdul ahmed ali amir fatima hassan hussein ibrahim karim layla leila mohamed mohammed muhammad omar rashid yusuf zainab
alain amelie andre antoine aurelie bernard camille celine chantal christophe claude delphine didier dominique emilie etienne fabien florian francois gerard guillaume helene hugo isabelle jacques jean-pierre jeanne julien laurent luc manon marc marcel mathieu maxime michel nathalie nicolas olivier pascal philippe pierre rene sebastien simone stephane sylvie thierry valerie yves
andreas anja bernd birgit dieter elke florian frank franziska gerhard gunter hans heike heinz helmut ingrid jan jens jorg jurgen karin katrin klaus kurt lars lukas manfred marcus matthias monika niklas ralf sabine sebastian stefan sven thomas thorsten tobias ulrich ursula uwe werner wolfgang
alejandro alvaro ana beatriz carla carolina cristina diego eduardo elena enrique fernando francisco gabriela guillermo ignacio javier jorge josefa lorena lucia manuel marcos mariana marta miguel monica pablo pedro rafael ramon raul ricardo rocio rodrigo santiago sergio silvia teresa
alessandro alessia andrea angelo antonella chiara davide enrico federica federico francesca francesco gianluca giorgio giovanni giulia giuseppe lorenzo luca luigi marco massimo matteo paola roberta salvatore simona stefano valentina
agnieszka aleksandra andrzej anna barbara bartosz dorota ewa grzegorz jacek jakub jan joanna katarzyna krzysztof magdalena malgorzata marcin marek mariusz michal monika pawel piotr tomasz wojciech zbigniew
anders astrid birgitta bjorn erik frida gustav hanna henrik ingrid johan karin kristina lars magnus maja mats nils olof per sigrid sofie sven ulf
aino eero elina janne jari juha jukka kari kimmo lauri leena markku matti mikko minna pekka petri riikka sanna satu timo tuomas ville
mette rasmus mads soren kasper frederik mathias ida freja line katrine sanne jesper morten torben
adam attila balazs csaba eszter gabor gyorgy istvan janos judit katalin laszlo marta peter sandor szabolcs tamas zoltan zsofia zsuzsanna
aleksandr aleksei alexei alexey anastasia andrei andrey anton boris daria dmitri dmitry ekaterina elena evgeny galina igor irina ivan kirill konstantin ksenia larisa lyudmila maksim maxim mikhail natalia natalya nikolai nina oleg olga pavel roman sergei sergey svetlana tatiana tatyana valentina vasily viktor vladimir yelena yuri yulia
wei fang jing li na min ming ping qiang tao xia xin yan yang yi ying yong yu yun zhen zhi
adelheid anneliese bettina dagmar edith elfriede erika gisela gudrun hannelore hedwig helga hildegard irmgard jutta lieselotte margarete marianne renate roswitha rosemarie sieglinde traudl waltraud brigitte gertrud christa annegret ilse bärbel johannes friedrich wilhelm heinrich hermann ernst otto ludwig günter horst rolf gerd hartmut volker reinhard joachim siegfried detlef norbert rüdiger
aliz anikó beáta borbála csilla dóra edit enikő erika erzsébet flóra gizella hajnalka ildikó ilona irén jolán kinga klára krisztina lilla magdolna mária melinda nikolett noémi orsolya piroska réka rita szilvia tímea vera viktória zita ákos árpád bence béla botond dániel dénes ferenc gergely géza imre józsef károly kristóf lajos levente lőrinc máté mihály miklós norbert ottó pál róbert sándor tibor viktor vilmos zsolt
alena blanka dana eva hana helena ivana jana jarmila jitka kateřina lenka libuše ludmila marcela markéta michaela milena miroslava monika pavla petra radka renata romana šárka soňa stanislava tereza věra vlasta zdeňka zuzana aleš bohumil bohuslav čestmír dalibor jaroslav jiří josef karel ladislav luboš lubomír miloš miroslav ondřej petr přemysl radek stanislav václav vladimír vojtěch zdeněk
aapo aarne antti arto esa heikki hannu ilkka jaakko jouni kalle kari kauko lasse martti mauri olli paavo pentti raimo risto seppo tapani teemu toni tuomo unto väinö veikko aila anneli eila eeva hilkka irja kaarina kirsi kirsti leila liisa maija marja merja outi päivi pirjo raija ritva sirpa tarja tuula ulla
aivar andres ants arvo heino indrek jaan jüri kalev lembit mart meelis peeter priit rein siim tarmo toomas urmas ülle aili anu ene evi helgi kadri kai katrin kersti külli liis maie malle merike piret reet riina tiina triin
åsa birgit brita britt elin ellen gunilla gunnel inga inger karina kerstin lena linnea lisbeth margit marit siv solveig tove ulrika vigdis agnar arne bengt bo einar fredrik gunnar göran håkan ingvar jonas kjell leif mikael nils olav ove pål ragnar rune stig sture terje tor trond
adriana alberto alfredo amalia antonia aurora benedita bruna caio catarina cecília clarice conceição débora diogo edson elisa eliane fabiana flávia gilberto graça gustavo hélio heloísa henrique iara jéssica joaquim joão júlia leandro letícia lívia luana luciana márcia marcelo matheus mauro milton nelson otávio patrícia regina renato rogério rosa sandro sebastião sílvia tânia thiago valéria vinícius wagner
agapi alexandros angeliki anna christos dimitra dimitrios eleni evangelia georgios ioanna ioannis katerina konstantinos maria nikolaos panagiotis sofia spyros stavros theodoros vasiliki vasileios
akira ayumi daiki emi haruka haruto hiroshi hiroko kaito kana kazuki keiko kenji koji kumiko mai makoto mami mayumi megumi miho minoru naoki naomi noriko ren riku saki satoshi sayaka shota sora takashi takumi taro tomoko yoko yuki yuko yumi yusuke yuto
ahmet ayşe burak can cem deniz elif emine emre fatma gül hakan hatice ibrahim kemal mehmet murat mustafa özlem selin serkan sevgi tolga yasemin yusuf zeynep
aarav aditya amit anil anjali arjun deepak divya gaurav kavita krishna lakshmi manish meena neha nikhil pooja priya rahul raj rajesh ravi rohit sanjay sunil sunita suresh vijay vikram
bao duc hai hanh hoa hung huong lan linh long mai minh nam ngoc phuong quang thanh thao trang trung tuan
abel abraham ada adele adrienne agatha agnes alba alberta aldo alfonso alma alvin amalie amos andy angel angus annabel annette antonia archie ariel arlene arnold arturo august augusta aurelia axel barry basil beatrice ben benedict bernadette bert bertha beth blake bonnie boris brad brenda brendan brent brigitte bruno bryce byron candice carina carl carlo carole casey cecil cecilia celia cesar charlene chester christa christoph cindy clarence clark claus clement clifford clyde colette conrad constance cora cornelius curtis cyril damian damien dante darius darla darryl deirdre delia della desmond dexter dolores dominic donovan dora doreen dorian dwight earl edgar edith edmund edna edwin elias elisa elise eliza ellie elmer eloise elsa elsie elvira emil emile emilia emmett enzo erich ernest esther eugenia eunice eva evangeline everett fabian felicia felix fernando fiona flora florence floyd francesca franz freddie frederick frida gabriela gareth gavin gene genevieve geoffrey georgia geraldine gertrude gideon gilbert giles gina giovanna glen glenn gonzalo gustavo gwen hank harriet harvey hazel hector heidi herbert herman hilda homer horace hubert hugh ida ignatius ines inez ingrid irene iris irma isaiah isidore ivy jacqueline jamal janine jasmine jasper javier jeanette jeannine jenna jerome jessie joan joanna joaquin jocelyn johanna jolene jonas josefina josephine josh joy juanita jules juliana julius june kai kara karin karla kay keira kelvin kendra kieran kirk kristian kristin kurt lance lara leandro leila leo leon leona leonardo leopold lester levi lionel liam lois lorena lorenzo lorraine louisa lucia lucille lucinda ludwig luisa luz lyle mabel madeleine maggie malcolm mandy manuel manuela marcel marcia marco margot marguerite marianne marina marisa marissa marjorie marlene marlon martina marty matilda maureen maurice max maxine meredith michele micheal miguel milan miles millie milo mina miranda miriam mitchell moira morgan muriel myra myrtle nadia nadine naomi natasha neal nell nellie nelson nettie nico nigel noel nora norman octavia odette olga oliver opal orlando otis owen pablo pamela pat patsy pearl penelope percy perry phoebe phyllis pierre polly priscilla quentin rafael ramona randall raphael raquel raul reginald renee rex rhonda rita roberta rocco rodney roland rolando romeo ronnie rosa rosalind rosemary ross roxanne rudolph rudy rufus rupert sabrina sally salvador sam sammy sasha saul selina serena seth sheila shelby sherman sidney silas simon sonia sonya stella sterling stuart sue susanna sylvester sylvia tabitha tamara ted teddy terrence thea theo theodore tim tobias toby tom tommy tracey trevor trudy ursula vera vernon vicki vince viola violet virgil vivian wallace walt warren wesley whitney wilbur wilfred wilma winifred winston xavier yolanda yvette yvonne zelda
`

const surnamesText = `
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence sandoval
muller mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann schafer koch bauer richter klein wolf schroder neumann schwarz zimmermann braun kruger hofmann hartmann lange schmitt werner krause meier lehmann
martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel garcia david bertrand roux vincent fournier morel girard andre lefevre mercier dupont lambert bonnet francois martinez
rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti de luca mancini costa giordano rizzo lombardi moretti
nowak kowalski wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski wozniak dabrowski kozlowski jankowski mazur kwiatkowski krawczyk kaczmarek piotrowski grabowski
johansson andersson karlsson nilsson eriksson larsson olsson persson svensson gustafsson pettersson jensen nielsen hansen pedersen andersen christensen larsen sorensen rasmussen jorgensen petersen madsen kristensen olsen
korhonen virtanen makinen nieminen makela hamalainen laine heikkinen koskinen jarvinen
nagy kovacs toth szabo horvath varga kiss molnar nemeth farkas balogh papp takacs juhasz
ivanov smirnov kuznetsov popov vasiliev petrov sokolov mikhailov novikov fedorov morozov volkov alekseev lebedev semenov egorov pavlov kozlov stepanov nikolaev orlov andreev makarov nikitin zakharov
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang
`

// Russian given names in Cyrillic (nominative).
const ruGivenNamesText = `
александр алексей анатолий андрей антон аркадий артём артем борис вадим валентин валерий василий виктор виталий владимир владислав вячеслав геннадий георгий григорий даниил денис дмитрий евгений егор иван игорь илья кирилл константин леонид максим михаил никита николай олег павел пётр петр роман руслан сергей станислав степан тимур фёдор федор юрий ярослав
александра алёна алена алина алла анастасия ангелина анна валентина валерия вера вероника виктория галина дарья диана евгения екатерина елена елизавета жанна зоя инна ирина карина кристина ксения лариса лидия любовь людмила маргарита марина мария надежда наталья наталия нина оксана ольга полина раиса светлана софья софия тамара татьяна ульяна юлия яна
`

// Chinese surnames, single and compound.
const zhSurnamesText = `
王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤
欧阳 司马 诸葛 上官 东方 皇甫 慕容 令狐 长孙 宇文
`

// ambiguousNames are given names that are also everyday words: they count
// as a name only next to another name part, never alone.
const ambiguousText = `
april bill bob faith grace hope joy lily may mark rose ruby summer will dawn gail lee long young king hill green black white gray grey rice hunt cook ward bell wood stone fox rose page chase hunter art carter mason west east north south wei li na min yi yu ford price wells mills woods washington jordan hamilton graves chase rich patel
`

func wordSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(text) {
		m[w] = true
	}
	return m
}

var (
	givenNames   = wordSet(givenNamesText)
	surnames     = wordSet(surnamesText)
	ruGivenNames = wordSet(ruGivenNamesText)
	zhSurnames   = strings.Fields(zhSurnamesText)
	ambiguous    = wordSet(ambiguousText)
)
