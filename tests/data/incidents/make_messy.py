#!/usr/bin/env python3
"""Writes messy_latin1.csv: a hand-made incident spreadsheet as NGOs send them
(semicolons, decimal commas, Spanish headers, Latin-1), one row per case that
`senda incidents import` must handle. The expected outcome of every row is
asserted in tests/incidents/test_import.c (row numbers = the `id` column)."""
rows = [
 # id;fecha;tipo;victimas;mujeres;hombres;menores;perpetrador;latitud;longitud;lugar;estado
 "1;03/05/2019;secuestro;2;1;1;0;crimen organizado;14,9038;-92,2575;Tapachula;Chiapas",
 "2;2019-06-10;extorsión;1;;;;policía municipal;\"14°54'30\"\"N\";92°15'W;;",
 "3;2019-06;asalto;3;;;;;15 08 20 N;92 27 50 W;;",
 "4;2019;violación;1;1;0;0;;-92,4641;15,1392;Huixtla;",
 "5;10/02/2020;homicidio;1;;;;;-88,5;17,2;;",
 "6;12/07/2020;homicidio;1;;;;ejército;16,2359;93,9000;Arriaga;",
 "7;2020-01-01;robo;1;;;;;0;0;;",
 "8;2020-01-02;robo;1;;;;;95;-200;;",
 "9;2020-01-03;robo;1;;;;;19,4326;-99,1332;Ciudad de México;",
 "10;2020-01-04;desaparición;1;;;;;16;-93;;",
 "11;2020-01-05;pelea de gallos;1;;;;;16,5;-93,5;;",
 "12;01/01/2099;secuestro;1;;;;;16,5;-93,5;;",
 "13;31/02/2019;secuestro;1;;;;;16,5;-93,5;;",
 "14;2020-01-06;secuestro;-2;;;;;16,5;-93,5;;",
 "15;2020-01-07;secuestro;varios;;;;;16,5;-93,5;;",
 "16;2021-03-01;trata de personas;4;4;0;2;;;;Tenosique;Tabasco",
 "17;2021-03-02;abuso de autoridad;1;0;1;0;INM;;;Tonalá, Chiapas;",
 "18;2021-03-03;secuestro;1;;;;;;;Ixtepec;",
 "19;2021-03-04;secuestro;1;;;;;;;Tonalá;",
 "20;2021-03-05;secuestro;1;;;;;;;Springfield;",
 "21;2021-03-06;secuestro;1;;;;;;;;",
 "22;2021-03-07;secuestro;1;;;;;abc;-92,5;;",
 "23;04/05/2019;secuestro;2;;;;crimen organizado;14,9100;-92,2600;Tapachula;Chiapas",
 ";;;;;;;;;;;",
 "25;8 de mayo de 2019;caída del tren;1;0;1;0;garrotero;16,4;-94,2;;",
 "26;2019-07-01;asalto;2;;;;;92°15'W;14°54'N;;",
 "27;Fri, 01/09/2026;muerte;1;;;;;15,5;-92,9;;",
 "28;;asalto;;;;;;15,6;-92,8;;",
 "29;2022-02-02;asalto;2;3;;;;15,7;-92,7;;",
]
head = "id;fecha;tipo;víctimas;mujeres;hombres;menores;perpetrador;latitud;longitud;lugar;estado"
with open("messy_latin1.csv", "wb") as f:
    f.write(("\n".join([head] + rows) + "\n").encode("latin-1"))
